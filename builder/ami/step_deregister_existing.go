package ami

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// StepDeregisterExisting implements force_deregister: it removes AMIs of
// this account named like the new one in the build region and every
// ami_regions region (their snapshots too with force_delete_snapshot), so
// the new image can take the name. It cannot be undone, so it has no
// Cleanup. Uses and puts nothing.
type StepDeregisterExisting struct {
	Clients         clientFor[deleteImageEC2]
	Regions         []string // build region first
	Name            string
	DeleteSnapshots bool
	Polling         ec2wait.Options
}

func (s *StepDeregisterExisting) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	for _, region := range s.Regions {
		if err := s.deregisterIn(ctx, state, region); err != nil {
			return halt(state, err)
		}
	}
	return multistep.ActionContinue
}

func (s *StepDeregisterExisting) deregisterIn(ctx context.Context, state multistep.StateBag, region string) error {
	c, err := s.Clients(ctx, region)
	if err != nil {
		return err
	}
	return deregisterNamed(ctx, state, c, region, s.Name, s.DeleteSnapshots, s.Polling)
}

// deregisterNamed removes this account's AMIs named name in region (their
// snapshots too with withSnapshots): force_deregister, also when a reused
// image is copied to a region where another image holds its name.
func deregisterNamed(ctx context.Context, state multistep.StateBag, c deleteImageEC2, region, name string,
	withSnapshots bool, polling ec2wait.Options) error {
	out, err := c.DescribeImages(ctx, nameTaken(name))
	if err != nil {
		return fmt.Errorf("force_deregister: looking for AMIs named %q in %s: %w", name, region, err)
	}
	for _, img := range out.Images {
		id := aws.ToString(img.ImageId)
		what := "Deregistering existing AMI %s (%s) in %s ..."
		if withSnapshots {
			what = "Deregistering existing AMI %s (%s) in %s and deleting its snapshots ..."
		}
		uiOf(state).Say(fmt.Sprintf(what, id, name, region))
		opts := polling
		opts.NotFoundGrace = -1 // it was just listed: NotFound means someone else removed it
		if err := deleteImage(ctx, c, id, withSnapshots, opts); err != nil {
			return fmt.Errorf("force_deregister in %s: %w", region, err)
		}
	}
	return nil
}

func (s *StepDeregisterExisting) Cleanup(multistep.StateBag) {}
