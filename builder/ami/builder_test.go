package ami

import (
	"fmt"
	"testing"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

const fixtureUUID = "11111111-2222-3333-4444-555555555555"

// TestSkipCreateAMIMakesNoImage: no image steps, no artifact.
func TestSkipCreateAMIMakesNoImage(t *testing.T) {
	b := &Builder{config: Config{AMIConfig: AMIConfig{AMIName: "x-1", SkipCreateAMI: true}}}
	if steps := b.imageSteps(nil, nil, fixtureUUID); len(steps) != 0 {
		t.Errorf("%d image steps with skip_create_ami", len(steps))
	}
	if a := newArtifact(new(multistep.BasicStateBag), nil); a != nil {
		t.Errorf("artifact %v without AMIs", a)
	}
}

// TestOptionalStepsFollowTheTemplate: force_deregister, ami_regions and the
// temporary key each switch exactly their step on.
func TestOptionalStepsFollowTheTemplate(t *testing.T) {
	has := func(extra map[string]any) map[string]bool {
		t.Helper()
		m := minimalTemplate()
		for k, v := range extra {
			m[k] = v
		}
		var b Builder
		if _, _, err := b.Prepare(m); err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, s := range b.steps(nil, nil, fixtureUUID) {
			got[fmt.Sprintf("%T", unwrapStep(s))] = true
		}
		return got
	}
	plain := has(nil)
	for _, step := range []string{"*ami.StepDeregisterExisting", "*ami.StepCopyImages"} {
		if plain[step] {
			t.Errorf("%s in a plain build", step)
		}
	}
	if !plain["*ami.StepRemoveTempKey"] || !plain["*ami.StepCreateImage"] {
		t.Errorf("plain build lacks the temporary key's removal or the image: %v", plain)
	}
	if !has(map[string]any{"force_deregister": true})["*ami.StepDeregisterExisting"] {
		t.Error("force_deregister does not deregister")
	}
	if !has(map[string]any{"ami_regions": []string{"eu-west-1"}})["*ami.StepCopyImages"] {
		t.Error("ami_regions does not copy")
	}
	if has(map[string]any{"ssh_password": "secret"})["*ami.StepRemoveTempKey"] {
		t.Error("a build without a temporary key removes one")
	}
	if plain["*ami.StepReuseImage"] || !has(map[string]any{"reuse": map[string]any{"inputs": []string{"*.go"}}})["*ami.StepReuseImage"] {
		t.Error("the reuse block does not switch the reuse step on (and only it)")
	}
}

// unwrapStep is the step a stepUnlessReused wraps, or s.
func unwrapStep(s multistep.Step) multistep.Step {
	if w, ok := s.(interface{ Unwrap() multistep.Step }); ok {
		return w.Unwrap()
	}
	return s
}
