package ami

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
)

// StepLineage works out where the image comes from: the source image (and,
// when that one is ours, its chain), the template's git commit, the
// fingerprint of the inputs. Nothing to undo. Uses: stateSourceImage,
// stateSourceParameter. Puts: stateLineageTags, stateFingerprint.
type StepLineage struct {
	BuildUUID, Build, Region string
	TemplateDir              string
	Fingerprint              FingerprintInput // SourceAMI is filled in here
}

func (s *StepLineage) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	src, _ := stateGet[ec2types.Image](state, stateSourceImage)
	param, _ := stateGet[string](state, stateSourceParameter)
	in := s.Fingerprint
	in.SourceAMI = aws.ToString(src.ImageId)
	fp, err := computeFingerprint(in)
	if err != nil {
		return halt(state, fmt.Errorf("fingerprint of the build's inputs: %w", err))
	}
	statePut(state, stateFingerprint, fp)
	info := lineage.Info{BuildUUID: s.BuildUUID, Build: s.Build, BuildRegion: s.Region, SourceAMI: in.SourceAMI,
		SourceParameter: param, Fingerprint: fp.Hash}
	info.Template, info.GitCommit, info.GitDirty = lineage.Git(ctx, s.TemplateDir)
	info = info.Chain(imageTagMap(src))
	statePut(state, stateLineageTags, info.Tags())
	uiOf(state).Say(fmt.Sprintf("Lineage: %s", lineageSummary(info)))
	return multistep.ActionContinue
}

func (s *StepLineage) Cleanup(multistep.StateBag) {}

func imageTagMap(img ec2types.Image) map[string]string {
	m := map[string]string{}
	for _, t := range img.Tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// lineageSummary is one line for the build's output.
func lineageSummary(in lineage.Info) string {
	s := fmt.Sprintf("built on %s", in.SourceAMI)
	if in.Depth > 1 {
		s += fmt.Sprintf(" (an image of ours; %d builds from %s)", in.Depth, in.RootAMI)
	}
	if in.GitCommit != "" {
		s += ", template " + in.Template + " at commit " + in.GitCommit
		if in.GitDirty != nil && *in.GitDirty {
			s += " with uncommitted changes"
		}
	}
	return s + ", fingerprint " + in.Fingerprint
}
