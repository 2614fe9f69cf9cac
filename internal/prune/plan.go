package prune

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// Plan is what a prune will do (or, in a dry run, would do).
type Plan struct {
	Config    Config
	Regions   []string
	Decisions []*Decision
	// Orphans are snapshots an interrupted prune left: marked with an
	// image that is no longer registered, and used by no image.
	Orphans []Snapshot
	// Unmark are marked snapshots of images that stay this time: their
	// mark is removed, so that no later deregistration by someone else
	// makes them look orphaned.
	Unmark []Snapshot
}

// regionConcurrency bounds how many regions are listed at once.
const regionConcurrency = 8

// Make lists our images in every region and decides, for each, whether it
// goes. Any error reading what protects images stops it: nothing is
// decided on partial knowledge.
func Make(ctx context.Context, cloud Cloud, cfg Config) (*Plan, error) {
	if cfg.Policy.Keep < 1 {
		return nil, fmt.Errorf("keep must be 1 or more (the newest image of a build may not be named anywhere yet), got %d", cfg.Policy.Keep)
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	if cfg.PricePerGBMonth <= 0 {
		cfg.PricePerGBMonth = DefaultPricePerGBMonth
	}
	p := &Plan{Config: cfg, Regions: cfg.Regions}
	if len(p.Regions) == 0 {
		regions, err := cloud.Regions(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the account's regions (name them with -regions instead): %w", err)
		}
		p.Regions = regions
	}
	files, err := fileReferences(cfg.Files)
	if err != nil {
		return nil, err
	}
	ev := evidence{files: files, params: map[string]references{}, invs: map[string]*inventory{}}
	if err := p.survey(ctx, cloud, &ev); err != nil {
		return nil, err
	}
	p.Decisions = decide(ev, cfg.Policy, cfg.Now)
	p.snapshots(ev.invs)
	return p, nil
}

// survey takes every region's inventory and parameter references.
func (p *Plan) survey(ctx context.Context, cloud Cloud, ev *evidence) error {
	var mu sync.Mutex
	errs := make([]error, len(p.Regions))
	sem := make(chan struct{}, regionConcurrency)
	var wg sync.WaitGroup
	for i, region := range p.Regions {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			inv, refs, err := surveyRegion(ctx, cloud, region, p.Config.Parameters)
			errs[i] = err
			mu.Lock()
			ev.invs[region], ev.params[region] = inv, refs
			mu.Unlock()
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func surveyRegion(ctx context.Context, cloud Cloud, region string, params []string) (*inventory, references, error) {
	c, err := cloud.EC2(ctx, region)
	if err != nil {
		return nil, nil, err
	}
	inv, err := takeInventory(ctx, c, region)
	if err != nil || len(params) == 0 {
		return inv, nil, err
	}
	var s ssmchannel.Reader
	if s, err = cloud.SSM(ctx, region); err != nil {
		return nil, nil, err
	}
	refs, err := parameterReferences(ctx, s, region, params)
	return inv, refs, err
}

// snapshots decides which snapshots go with each pruned image (those no
// image that stays uses; one that several pruned images share goes with the
// last of them deleted, once none still uses it), finds the orphans of an
// interrupted prune, and the marks to remove from snapshots of images that
// stay.
func (p *Plan) snapshots(invs map[string]*inventory) {
	pruned, last := map[string]bool{}, map[string]*Decision{}
	for _, d := range p.Decisions {
		if d.Prune() {
			pruned[d.Region+"/"+d.ID] = true
			for _, snap := range d.Snapshots {
				last[d.Region+"/"+snap] = d
			}
		}
	}
	for _, d := range p.Decisions {
		inv := invs[d.Region]
		for _, snap := range d.Snapshots {
			switch {
			case !d.Prune():
				if inv.mark(snap) != "" {
					p.Unmark = append(p.Unmark, Snapshot{Region: d.Region, ID: snap, Image: d.ID})
				}
			case slices.ContainsFunc(inv.users[snap], func(u string) bool { return !pruned[d.Region+"/"+u] }):
				d.Shared = append(d.Shared, snap)
			case last[d.Region+"/"+snap] == d:
				d.Delete = append(d.Delete, Snapshot{Region: d.Region, ID: snap, Image: d.ID, GiB: inv.size(snap)})
			}
		}
	}
	for _, region := range p.Regions {
		p.Orphans = append(p.Orphans, invs[region].orphans()...)
	}
}

// orphans are marked snapshots whose image is gone and that no image uses.
func (inv *inventory) orphans() []Snapshot {
	var out []Snapshot
	for id := range inv.snapshots {
		if img := inv.mark(id); img != "" && !inv.registered[img] && len(inv.users[id]) == 0 {
			out = append(out, Snapshot{Region: inv.region, ID: id, Image: img, GiB: inv.size(id)})
		}
	}
	slices.SortFunc(out, func(a, b Snapshot) int { return strings.Compare(a.ID, b.ID) })
	return out
}
