package prune

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
)

// Decision is what prune does with one image: delete it (Keep empty) or
// keep it, for every reason that applies.
type Decision struct {
	Image
	Keep []string
	// Shown is false for images outside the prune's scope (another
	// build's, or matching no name prefix): kept, and not listed.
	Shown bool
	// Delete are the snapshots deleted with the image; Shared names the
	// snapshots it keeps because another image still uses them.
	Delete []Snapshot
	Shared []string
}

// Prune reports whether the image goes.
func (d *Decision) Prune() bool { return len(d.Keep) == 0 }

func (d *Decision) keep(why string) {
	if !slices.Contains(d.Keep, why) {
		d.Keep = append(d.Keep, why)
	}
}

// evidence is what protects images: tfvars files (any region) and SSM
// parameters (per region), and each region's inventory.
type evidence struct {
	files  references
	params map[string]references
	invs   map[string]*inventory
}

// decide applies the policy and every protection to our images in every
// region. Pure: it only reads what the inventories and references hold.
func decide(ev evidence, p Policy, now time.Time) []*Decision {
	var all []*Decision
	for _, inv := range ev.invs {
		for _, img := range inv.ours {
			d := &Decision{Image: img, Shown: true}
			protect(d, ev, p)
			all = append(all, d)
		}
	}
	applyRetention(all, p, now)
	protectLineage(all)
	slices.SortFunc(all, func(a, b *Decision) int {
		if c := strings.Compare(a.Region, b.Region); c != 0 {
			return c
		}
		if c := strings.Compare(groupOf(a.Image, p), groupOf(b.Image, p)); c != 0 {
			return c
		}
		return strings.Compare(newestKey(a.Image), newestKey(b.Image))
	})
	return all
}

// protect records what names d's image, and whether it is in scope.
func protect(d *Decision, ev evidence, p Policy) {
	if d.State != "available" {
		d.keep(fmt.Sprintf("%s: only available images are pruned", d.State))
	}
	for _, why := range ev.files[d.ID] {
		d.keep(why)
	}
	for _, why := range ev.params[d.Region][d.ID] {
		d.keep(why)
	}
	for _, i := range ev.invs[d.Region].inUse[d.ID] {
		d.keep("used by instance " + i)
	}
	build := d.Tags[lineage.Build]
	switch {
	case len(p.Builds) > 0 && !slices.Contains(p.Builds, build):
		d.keep("not a build being pruned")
		d.Shown = false
	case groupOf(d.Image, p) != "":
	case len(p.NamePrefixes) > 0:
		d.keep("matches no -name-prefix")
		d.Shown = false
	default:
		d.keep("no " + lineage.Build + " tag (built before lineage tags): prune it with -name-prefix")
	}
}

// groupOf is the group an image's retention counts in: the longest name
// prefix it matches, or its build name ("" when it has none).
func groupOf(img Image, p Policy) string {
	if len(p.NamePrefixes) == 0 {
		return img.Tags[lineage.Build]
	}
	best := ""
	for _, prefix := range p.NamePrefixes {
		if strings.HasPrefix(img.Name, prefix) && len(prefix) > len(best) {
			best = prefix
		}
	}
	return best
}

// newestKey sorts an image among its group, oldest first: creation time,
// then name (names usually end in a timestamp; EC2's creation time has
// whole seconds), then ID.
func newestKey(img Image) string {
	return img.Created.UTC().Format(time.RFC3339Nano) + "\x00" + img.Name + "\x00" + img.ID
}

// applyRetention keeps the newest Keep of each group in each region, and
// every image younger than KeepWithin.
func applyRetention(all []*Decision, p Policy, now time.Time) {
	groups := map[string][]*Decision{}
	for _, d := range all {
		if g := groupOf(d.Image, p); g != "" {
			groups[d.Region+"\x00"+g] = append(groups[d.Region+"\x00"+g], d)
		}
	}
	for _, members := range groups {
		slices.SortFunc(members, func(a, b *Decision) int { return strings.Compare(newestKey(b.Image), newestKey(a.Image)) })
		for i, d := range members {
			if i < p.Keep {
				d.keep(fmt.Sprintf("one of the newest %d of %s", p.Keep, groupOf(d.Image, p)))
			}
			if p.KeepWithin > 0 && now.Sub(d.Created) < p.KeepWithin {
				d.keep("younger than " + p.KeepWithin.String())
			}
		}
	}
}

// protectLineage keeps, until nothing changes, the source of every image
// that stays (its lineage tags name it) and every region copy of an image
// that stays: a rollback target comes back with its copies, and an app
// image's base must remain to rebuild it.
func protectLineage(all []*Decision) {
	byID := map[string]*Decision{}
	copies := map[string][]*Decision{}
	for _, d := range all {
		byID[d.Region+"/"+d.ID] = d
		key := d.Tags[lineage.BuildUUID] + "\x00" + d.Name
		copies[key] = append(copies[key], d)
	}
	for changed := true; changed; {
		changed = false
		for _, d := range all {
			if d.Prune() {
				continue
			}
			info := lineage.Parse(d.Tags)
			region := info.BuildRegion
			if region == "" {
				region = d.Region
			}
			if src := byID[region+"/"+info.SourceAMI]; src != nil && src.Prune() {
				src.keep(fmt.Sprintf("source of %s (%s) in %s", d.ID, d.Name, d.Region))
				changed = true
			}
			for _, c := range copies[d.Tags[lineage.BuildUUID]+"\x00"+d.Name] {
				if c.Prune() {
					c.keep(fmt.Sprintf("copy of %s in %s, which stays", d.ID, d.Region))
					changed = true
				}
			}
		}
	}
}
