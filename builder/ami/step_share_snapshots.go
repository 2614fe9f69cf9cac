package ami

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type shareSnapshotsEC2 interface {
	describeImagesEC2
	ModifySnapshotAttribute(context.Context, *ec2.ModifySnapshotAttributeInput, ...func(*ec2.Options)) (*ec2.ModifySnapshotAttributeOutput, error)
}

// StepShareSnapshots grants create-volume permission on the snapshots of
// the AMI in every region to snapshot_users and snapshot_groups, so those
// accounts can copy or re-encrypt the image. Nothing to undo: the snapshots
// go with their images. Uses: stateAMIs.
type StepShareSnapshots struct {
	Clients clientFor[shareSnapshotsEC2]
	Users   []string
	Groups  []string
	Polling ec2wait.Options
}

func (s *StepShareSnapshots) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	amis, _ := stateGet[map[string]string](state, stateAMIs)
	for _, region := range slices.Sorted(maps.Keys(amis)) {
		if err := s.share(ctx, state, region, amis[region]); err != nil {
			return halt(state, fmt.Errorf("sharing the snapshots of AMI %s in %s (snapshot_users, snapshot_groups): %w", amis[region], region, err))
		}
	}
	return multistep.ActionContinue
}

func (s *StepShareSnapshots) share(ctx context.Context, state multistep.StateBag, region, id string) error {
	c, err := s.Clients(ctx, region)
	if err != nil {
		return err
	}
	var img ec2types.Image
	if err := ec2wait.Retry(ctx, "describing "+id, s.Polling, func(ctx context.Context) (err error) {
		img, err = describeImage(ctx, c, id)
		return err
	}); err != nil {
		return err
	}
	for _, snap := range imageSnapshots(img) {
		uiOf(state).Say(fmt.Sprintf("Sharing snapshot %s in %s with users %v, groups %v ...", snap, region, s.Users, s.Groups))
		err := ec2wait.Retry(ctx, "sharing "+snap, s.Polling, func(ctx context.Context) error {
			_, err := c.ModifySnapshotAttribute(ctx, s.request(snap))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// request adds create-volume permission for the users and groups (the
// add-only OperationType form, which every EC2 API version takes).
func (s *StepShareSnapshots) request(snap string) *ec2.ModifySnapshotAttributeInput {
	return &ec2.ModifySnapshotAttributeInput{
		SnapshotId:    &snap,
		Attribute:     ec2types.SnapshotAttributeNameCreateVolumePermission,
		OperationType: ec2types.OperationTypeAdd,
		UserIds:       s.Users,
		GroupNames:    s.Groups,
	}
}

func (s *StepShareSnapshots) Cleanup(multistep.StateBag) {}
