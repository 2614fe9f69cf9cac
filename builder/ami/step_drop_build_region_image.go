package ami

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// StepDropBuildRegionImage is skip_save_build_region's last move: once the
// copies to ami_regions are available, the build region's intermediate AMI
// is deregistered and its snapshots deleted, so the AMI exists only in
// ami_regions. Nothing to undo. Uses: stateAMIs. Puts: stateAMIs without
// the build region, stateDeregisteredAMIs.
type StepDropBuildRegionImage struct {
	EC2     deleteImageEC2
	Region  string
	Polling ec2wait.Options
}

func (s *StepDropBuildRegionImage) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	amis, _ := stateGet[map[string]string](state, stateAMIs)
	id, ok := amis[s.Region]
	if !ok {
		return multistep.ActionContinue
	}
	uiOf(state).Say(fmt.Sprintf("skip_save_build_region: deregistering the intermediate AMI %s in %s and deleting its snapshots ...", id, s.Region))
	if err := deleteImage(ctx, s.EC2, id, true, s.Polling); err != nil {
		return halt(state, fmt.Errorf("removing the intermediate AMI of skip_save_build_region: %w", err))
	}
	gone, _ := stateGet[[]string](state, stateDeregisteredAMIs)
	statePut(state, stateDeregisteredAMIs, append(gone, id))
	rest := maps.Clone(amis)
	delete(rest, s.Region)
	statePut(state, stateAMIs, rest)
	return multistep.ActionContinue
}

func (s *StepDropBuildRegionImage) Cleanup(multistep.StateBag) {}
