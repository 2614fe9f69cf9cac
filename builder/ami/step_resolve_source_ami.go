package ami

import (
	"context"
	"fmt"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// StepResolveSourceAMI reads the image ID a source_ami of the form
// resolve:ssm:NAME[:VERSION|:LABEL] names (as EC2 resolves it in
// RunInstances), before the source image is looked up and checked, so
// every check applies to the image the build really starts from, and the
// lineage records it. Uses: nothing. Puts: stateSourceAMIID,
// stateSourceParameter.
type StepResolveSourceAMI struct {
	SSM func(ctx context.Context) (ssmchannel.Reader, error)
	Ref ssmchannel.Ref
}

func (s *StepResolveSourceAMI) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	c, err := s.SSM(ctx)
	if err != nil {
		return halt(state, fmt.Errorf("source_ami: %w", err))
	}
	v, err := ssmchannel.ResolveImage(ctx, c, s.Ref)
	if err != nil {
		return halt(state, fmt.Errorf("source_ami %s%s: %w", ssmchannel.ResolvePrefix, s.Ref, err))
	}
	from := fmt.Sprintf("%s (version %d)", s.Ref, v.Number)
	uiOf(state).Say(fmt.Sprintf("Source AMI from SSM parameter %s: %s", from, v.Value))
	statePut(state, stateSourceAMIID, v.Value)
	statePut(state, stateSourceParameter, from)
	return multistep.ActionContinue
}

func (s *StepResolveSourceAMI) Cleanup(multistep.StateBag) {}
