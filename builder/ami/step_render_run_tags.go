package ami

import (
	"context"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"
)

// StepRenderRunTags renders run_tags with the build's data (the source AMI
// is known by now) over the build's own tags, which they may not drop, for
// the temporary key pair and security group: as in amazon-ebs, run_tags
// tag every resource the build makes for itself, so tag policies that
// require tags on CreateKeyPair or CreateSecurityGroup let the build
// through. Uses: stateGeneratedData. Puts: stateRunTags.
type StepRenderRunTags struct {
	RunTags map[string]string
	Tags    map[string]string // the build's base tags
	Ctx     interpolate.Context
}

func (s *StepRenderRunTags) Run(_ context.Context, state multistep.StateBag) multistep.StepAction {
	rendered, err := newRenderer(state, s.Ctx).renderMap("run_tags", s.RunTags)
	if err != nil {
		return halt(state, err)
	}
	statePut(state, stateRunTags, mergeTags(s.Tags, rendered, buildTags(s.Tags[BuildUUIDTagKey], s.Tags[BuildIDTagKey])))
	return multistep.ActionContinue
}

func (s *StepRenderRunTags) Cleanup(multistep.StateBag) {}

// temporaryTags are the tags of a temporary resource: the rendered run_tags
// when StepRenderRunTags ran, else base.
func temporaryTags(state multistep.StateBag, base map[string]string) map[string]string {
	if tags, ok := stateGet[map[string]string](state, stateRunTags); ok {
		return tags
	}
	return base
}
