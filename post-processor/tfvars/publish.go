package tfvars

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// published is one region's new version of the SSM parameter.
type published struct {
	region string
	c      ssmchannel.Writer
	p      ssmchannel.Published
}

// ssmWriter returns the SSM client for region (tests replace it).
func (p *PostProcessor) ssmWriter(ctx context.Context, region string) (ssmchannel.Writer, error) {
	if p.ssmFor != nil {
		return p.ssmFor(ctx, region)
	}
	access := awsaccess.AccessConfig{Profile: p.config.Profile, MaxRetries: awsaccess.DefaultMaxRetries}
	cfg, err := access.AWSConfig(ctx, region)
	if err != nil {
		return nil, err
	}
	return ssm.NewFromConfig(cfg), nil
}

// publish writes each region's image of the artifact as a new version of
// ssm_parameter in that region. If one region fails, the versions already
// written are reverted: the channel names the image in every region or in
// none.
func (p *PostProcessor) publish(ctx context.Context, ui packersdk.Ui, e tfvarsfile.Entry) ([]published, error) {
	name := p.config.SSMParameter
	if name == "" {
		return nil, nil
	}
	detail := e.Build
	if e.RunUUID != "" {
		detail += ", run " + e.RunUUID
	}
	var done []published
	for _, region := range slices.Sorted(maps.Keys(e.Images)) {
		pub, err := p.publishIn(ctx, region, e.Images[region], detail)
		if err != nil {
			p.revert(ui, done, err)
			return nil, fmt.Errorf("ssm_parameter %s in %s: %w", name, region, err)
		}
		done = append(done, pub)
		ui.Say(fmt.Sprintf("Published %s as version %d of SSM parameter %s in %s", pub.p.Image, pub.p.Version, name, region))
	}
	return done, nil
}

func (p *PostProcessor) publishIn(ctx context.Context, region, image, detail string) (published, error) {
	c, err := p.ssmWriter(ctx, region)
	if err != nil {
		return published{}, err
	}
	pub, err := ssmchannel.Publish(ctx, c, p.config.SSMParameter, image, detail)
	return published{region: region, c: c, p: pub}, err
}

// revert undoes the versions written, because the build is failing after
// all (Packer then deletes the image they name). It runs with its own
// context: a cancelled build must still undo them.
func (p *PostProcessor) revert(ui packersdk.Ui, done []published, cause error) {
	ctx := context.Background()
	var failed []string
	for _, d := range done {
		if err := ssmchannel.Revert(ctx, d.c, d.p, cause.Error()); err != nil {
			failed = append(failed, fmt.Sprintf("%s in %s: %v", d.p.Name, d.region, err))
			continue
		}
		ui.Say(fmt.Sprintf("Reverted version %d of SSM parameter %s in %s", d.p.Version, d.p.Name, d.region))
	}
	if len(failed) > 0 {
		ui.Error(fmt.Sprintf("Could not revert SSM parameter versions that name an image Packer is about to delete: %s. Roll them back with: packer-plugin-immutable rollback -ssm-parameter %s -region REGION",
			strings.Join(failed, "; "), p.config.SSMParameter))
	}
}
