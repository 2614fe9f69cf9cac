package prune

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Write prints the plan: the policy, one line per image in scope (what
// happens to it, and every reason it stays), the orphaned snapshots, and
// what deleting frees. apply says whether it is being done or would be.
func (p *Plan) Write(w io.Writer, apply bool) {
	fmt.Fprintf(w, "Regions: %s\nPolicy: %s\nProtected: %s\n\n", strings.Join(p.Regions, ", "), p.policyText(), p.protectedText())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTION\tREGION\tIMAGE\tNAME\tCREATED\tWHY")
	verb := "would delete"
	if apply {
		verb = "delete"
	}
	for _, d := range p.Decisions {
		if !d.Shown {
			continue
		}
		action, why := "keep", strings.Join(d.Keep, "; ")
		if d.Prune() {
			action, why = verb, "beyond the policy, named nowhere; "+snapshotText(d)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", action, d.Region, d.ID, d.Name, d.Created.UTC().Format(time.RFC3339), why)
	}
	for _, o := range p.Orphans {
		fmt.Fprintf(tw, "%s\t%s\t%s\t-\t-\tsnapshot of %s, which an interrupted prune deregistered (%.1f GiB)\n", verb, o.Region, o.ID, o.Image, o.GiB)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, p.summary(apply))
}

func (p *Plan) policyText() string {
	pol := p.Config.Policy
	group := "build"
	if len(pol.NamePrefixes) > 0 {
		group = "name prefix (" + strings.Join(pol.NamePrefixes, ", ") + ")"
	}
	s := fmt.Sprintf("keep the newest %d of each %s in each region", pol.Keep, group)
	if pol.KeepWithin > 0 {
		s += ", and every image younger than " + pol.KeepWithin.String()
	}
	if len(pol.Builds) > 0 {
		s += "; only images of " + strings.Join(pol.Builds, ", ")
	}
	return s
}

func (p *Plan) protectedText() string {
	var parts []string
	if len(p.Config.Files) > 0 {
		parts = append(parts, "every image named in "+strings.Join(p.Config.Files, ", ")+" or their histories (every rollback target)")
	}
	if len(p.Config.Parameters) > 0 {
		parts = append(parts, "every version of SSM parameter "+strings.Join(p.Config.Parameters, ", "))
	}
	parts = append(parts, "images used by an instance (running or stopped)", "the sources and region copies of images that stay", "images of other tools (only images this plugin built are considered)")
	return strings.Join(parts, "; ")
}

func snapshotText(d *Decision) string {
	var parts []string
	for _, s := range d.Delete {
		parts = append(parts, fmt.Sprintf("%s (%.1f GiB)", s.ID, s.GiB))
	}
	s := "no snapshot"
	if len(parts) > 0 {
		s = "with snapshots " + strings.Join(parts, ", ")
	}
	if len(d.Shared) > 0 {
		s += "; keeps " + strings.Join(d.Shared, ", ") + " (another image uses it)"
	}
	return s
}

// summary counts what goes and prices the snapshot storage it frees.
func (p *Plan) summary(apply bool) string {
	images, snaps, gib := p.Totals()
	price := p.Config.PricePerGBMonth
	source := "the standard snapshot tier's price in US East (N. Virginia); other regions differ, set -price-per-gb-month"
	if price != DefaultPricePerGBMonth {
		source = "the price given"
	}
	if images == 0 && snaps == 0 {
		return "Nothing to delete: every image stays."
	}
	head := "Dry run: nothing was deleted. Would delete"
	if apply {
		head = "Deleting"
	}
	s := fmt.Sprintf("%s %d images and %d snapshots, %.1f GiB of snapshot storage: about $%.2f a month at $%.3f per GB-month (%s). "+
		"An estimate and an upper bound: EBS bills only the blocks a snapshot does not share with an older one.",
		head, images, snaps, gib, gib*price, price, source)
	if !apply {
		s += "\nRun again with -apply to delete them."
	}
	return s
}

// Totals counts the images and snapshots the plan deletes, and the
// snapshots' size in GiB.
func (p *Plan) Totals() (images, snapshots int, gib float64) {
	for _, d := range p.Decisions {
		if d.Prune() {
			images++
			for _, s := range d.Delete {
				snapshots++
				gib += s.GiB
			}
		}
	}
	for _, o := range p.Orphans {
		snapshots++
		gib += o.GiB
	}
	return images, snapshots, gib
}
