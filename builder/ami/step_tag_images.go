package ami

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type tagImagesEC2 interface {
	describeImagesEC2
	CreateTags(context.Context, *ec2.CreateTagsInput, ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
}

// StepTagImages puts tags on the AMI in every region and on its snapshots,
// snapshot_tags on the snapshots only, after rendering their values with
// the generated data ({{ .SourceAMI }}, {{ .BuildRegion }} ...). The
// lineage tags go everywhere too, RunTags under tags (skip_ami_run_tags =
// false), and the build's own tags (BuildTags) on every image this build
// made, never on a reused one: that one keeps its lineage, and nothing
// marks it as this build's to remove. Uses: stateAMIs, stateReused,
// stateImages, stateGeneratedData, stateLineageTags.
type StepTagImages struct {
	Clients      clientFor[tagImagesEC2]
	Tags         map[string]string
	SnapshotTags map[string]string
	RunTags      map[string]string
	BuildTags    map[string]string
	Ctx          interpolate.Context
	Polling      ec2wait.Options
}

func (s *StepTagImages) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	r := newRenderer(state, s.Ctx)
	tags, err := r.renderMap("tags", s.Tags)
	if err != nil {
		return halt(state, err)
	}
	snapTags, err := r.renderMap("snapshot_tags", s.SnapshotTags)
	if err != nil {
		return halt(state, err)
	}
	runTags, err := r.renderMap("run_tags", s.RunTags)
	if err != nil {
		return halt(state, err)
	}
	lineageTags, _ := stateGet[map[string]string](state, stateLineageTags)
	kept, _ := stateGet[reusedImage](state, stateReused)
	amis, _ := stateGet[map[string]string](state, stateAMIs)
	known, _ := stateGet[map[string]ec2types.Image](state, stateImages)
	for _, region := range slices.Sorted(maps.Keys(amis)) {
		buildTags := s.BuildTags
		if kept.Images[region] == amis[region] {
			buildTags = nil
		}
		imageTags := mergeTags(runTags, tags, buildTags, lineageTags)
		if err := s.tag(ctx, state, region, known[region], amis[region], imageTags, mergeTags(imageTags, snapTags)); err != nil {
			return halt(state, err)
		}
	}
	return multistep.ActionContinue
}

// tag tags one region's AMI and its snapshots, read from the image as its
// wait described it (img), else described now; in one call when both get
// the same tags.
func (s *StepTagImages) tag(ctx context.Context, state multistep.StateBag, region string, img ec2types.Image, id string,
	imageTags, snapTags map[string]string) error {
	c, err := s.Clients(ctx, region)
	if err != nil {
		return err
	}
	if aws.ToString(img.ImageId) != id {
		err = ec2wait.Retry(ctx, "describing "+id, s.Polling, func(ctx context.Context) (err error) {
			img, err = describeImage(ctx, c, id)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("tagging AMI %s in %s: %w", id, region, err)
	}
	snaps := imageSnapshots(img)
	uiOf(state).Say(fmt.Sprintf("Tagging AMI %s and snapshots %v in %s ...", id, snaps, region))
	if maps.Equal(imageTags, snapTags) {
		if err := s.createTags(ctx, c, append([]string{id}, snaps...), imageTags); err != nil {
			return fmt.Errorf("tagging AMI %s and snapshots %v in %s: %w", id, snaps, region, err)
		}
		return nil
	}
	if err := s.createTags(ctx, c, []string{id}, imageTags); err != nil {
		return fmt.Errorf("tagging AMI %s in %s: %w", id, region, err)
	}
	if len(snaps) == 0 {
		return nil
	}
	if err := s.createTags(ctx, c, snaps, snapTags); err != nil {
		return fmt.Errorf("tagging snapshots %v of AMI %s in %s: %w", snaps, id, region, err)
	}
	return nil
}

// createTags retries NotFound: a snapshot made seconds ago may not be
// visible to CreateTags yet.
func (s *StepTagImages) createTags(ctx context.Context, c tagImagesEC2, ids []string, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	return ec2wait.Retry(ctx, "tagging", s.Polling, func(ctx context.Context) error {
		_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: ids, Tags: ec2Tags(tags)})
		return err
	})
}

func (s *StepTagImages) Cleanup(multistep.StateBag) {}
