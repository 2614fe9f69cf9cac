// Package tfvars is the immutable-tfvars post-processor: it writes the image
// ID(s) of the build into a Terraform variables file so that the next
// `terraform apply` deploys the new image.
package tfvars

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/logsecret"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// PostProcessor is the immutable-tfvars post-processor.
type PostProcessor struct {
	config Config
	// ssmFor makes the SSM client of a region (nil: from the AWS SDK's
	// standard chain); tests replace it.
	ssmFor func(ctx context.Context, region string) (ssmchannel.Writer, error)
}

// ConfigSpec returns the HCL2 spec of Config.
func (p *PostProcessor) ConfigSpec() hcldec.ObjectSpec { return p.config.FlatMapstructure().HCL2Spec() }

// Configure decodes and validates the configuration (see prepare.go).
func (p *PostProcessor) Configure(raws ...interface{}) error {
	return p.config.Prepare(raws...)
}

// PostProcess writes the artifact's image ID(s) into the tfvars file and
// passes the artifact through unchanged. It forces keep_input_artifact to
// true: the output is the input, and discarding it would deregister the
// very image the tfvars file now names.
func (p *PostProcessor) PostProcess(ctx context.Context, ui packersdk.Ui, a packersdk.Artifact) (packersdk.Artifact, bool, bool, error) {
	entry, region, err := p.entry(a)
	if err != nil {
		return nil, false, false, err
	}
	pubs, err := p.publish(ctx, ui, entry)
	if err != nil {
		return nil, false, false, err
	}
	c := p.config
	ui.Say(fmt.Sprintf("Writing %s = %s into %s", c.Variable, entry.Value, c.Path))
	res, err := tfvarsfile.Update(ctx, c.Path, entry, c.KeepHistory)
	if err != nil {
		p.revert(ui, pubs, err)
		return nil, false, false, fmt.Errorf("writing the image ID into %s: %w", c.Path, err)
	}
	switch {
	case !res.Changed:
		ui.Say(fmt.Sprintf("%s already holds %s; file left as it was", res.Path, entry.Value))
	case res.Created:
		ui.Say(fmt.Sprintf("Created %s; history in %s", res.Path, tfvarsfile.HistoryPath(res.Path)))
	default:
		ui.Say(fmt.Sprintf("Updated %s; history in %s", res.Path, tfvarsfile.HistoryPath(res.Path)))
	}
	p.prune(ctx, ui, entry, region)
	return a, true, true, nil
}

// entry builds the history entry (and so the values to write) from the
// artifact: its Id() and generated data only, never our builder's types, so
// it works after amazon-ebs too.
func (p *PostProcessor) entry(a packersdk.Artifact) (tfvarsfile.Entry, string, error) {
	images, err := parseImages(a.Id())
	if err != nil {
		return tfvarsfile.Entry{}, "", err
	}
	// The generated data carries the builder's secrets too (the SDK puts
	// the temporary SSH private key there): mask them, and log only what
	// this post-processor uses.
	generated := generatedData(a)
	logsecret.Generated(generated)
	region, err := buildRegion(p.config.Region, generated, images)
	if err != nil {
		return tfvarsfile.Entry{}, "", err
	}
	c := p.config
	log.Printf("[DEBUG] immutable-tfvars: artifact %q of %s: region %s (BuildRegion %q), source AMI %q",
		a.Id(), a.BuilderId(), region, generated["BuildRegion"], generated["SourceAMI"])
	return tfvarsfile.Entry{
		Action:      tfvarsfile.ActionBuild,
		Variable:    c.Variable,
		Value:       images[region],
		MapVariable: c.MapVariable,
		Images:      images,
		Build:       lineage.BuildName(c.PackerBuilderType, c.PackerBuildName),
		SourceAMI:   generated["SourceAMI"],
		RunUUID:     os.Getenv("PACKER_RUN_UUID"),
	}, region, nil
}
