package tfvars

import (
	"bytes"
	"context"
	"fmt"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/prune"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// prune removes this build's images that nothing needs any more, after the
// new one is written (so it is a rollback target). Failures are reported
// and do not fail the build: returning an error would make Packer delete
// the new image, which the tfvars file now names.
func (p *PostProcessor) prune(ctx context.Context, ui packersdk.Ui, e tfvarsfile.Entry, buildRegion string) {
	pc := p.config.Prune
	if pc == nil {
		return
	}
	cfg := p.pruneConfig(e)
	access := &awsaccess.AccessConfig{Profile: p.config.Profile, MaxRetries: awsaccess.DefaultMaxRetries}
	cloud := prune.NewCloud(access, func(context.Context) (string, error) { return buildRegion, nil })
	ui.Say(fmt.Sprintf("Pruning images of %s ...", e.Build))
	plan, err := prune.Make(ctx, cloud, cfg)
	if err != nil {
		ui.Error(fmt.Sprintf("prune: %v (nothing was deleted; the build itself succeeded)", err))
		return
	}
	var out bytes.Buffer
	plan.Write(&out, !pc.DryRun)
	ui.Say(out.String())
	if pc.DryRun {
		return
	}
	if err := plan.Apply(ctx, cloud, ui.Say); err != nil {
		ui.Error(fmt.Sprintf("prune: %v\n(every image still registered has all its snapshots; the next prune finishes the job; the build itself succeeded)", err))
	}
}

// pruneConfig is the prune of this build: its images only, protected by
// the tfvars file just written and the channels it publishes in.
func (p *PostProcessor) pruneConfig(e tfvarsfile.Entry) prune.Config {
	pc := p.config.Prune
	within, _ := prune.ParseAge(pc.KeepWithin) // checked by Prepare
	cfg := prune.Config{
		Policy:     prune.Policy{Keep: pc.Keep, KeepWithin: within, Builds: []string{e.Build}},
		Regions:    pc.Regions,
		Files:      append([]string{p.config.Path}, pc.Files...),
		Parameters: pc.SSMParameters,
	}
	if p.config.SSMParameter != "" {
		cfg.Parameters = append([]string{p.config.SSMParameter}, cfg.Parameters...)
	}
	return cfg
}
