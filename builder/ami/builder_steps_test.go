package ami

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// stepsOf prepares the minimal template with extra and returns its steps.
func stepsOf(t *testing.T, extra map[string]any) []multistep.Step {
	t.Helper()
	m := minimalTemplate()
	for k, v := range extra {
		m[k] = v
	}
	var b Builder
	if _, _, err := b.Prepare(m); err != nil {
		t.Fatal(err)
	}
	steps := b.steps(nil, nil, fixtureUUID)
	for i, s := range steps {
		if u, ok := s.(*stepUnlessReused); ok { // the step a reuse skips
			steps[i] = u.step
		}
	}
	return steps
}

// TestPlainBuildStopsTheInstanceBeforeTheImage: an on-demand build stops
// its instance before imaging it, so the image is taken from quiet disks.
func TestPlainBuildStopsTheInstanceBeforeTheImage(t *testing.T) {
	var types []string
	for _, s := range stepsOf(t, nil) {
		types = append(types, fmt.Sprintf("%T", s))
	}
	stop, image := slices.Index(types, "*ami.StepStopInstance"), slices.Index(types, "*ami.StepCreateImage")
	if stop < 0 || image < 0 || stop > image {
		t.Errorf("steps %v: want StepStopInstance before StepCreateImage", types)
	}
}

// TestTemporaryKeyReachesTheDiskOnlyWithDebug: the temporary private key is
// written to a file (ec2_<build name>.pem) only under packer build -debug.
func TestTemporaryKeyReachesTheDiskOnlyWithDebug(t *testing.T) {
	for _, debug := range []bool{false, true} {
		var key *StepKeyPair
		for _, s := range stepsOf(t, map[string]any{"packer_debug": debug, "packer_build_name": "web"}) {
			if k, ok := s.(*StepKeyPair); ok {
				key = k
			}
		}
		want := map[bool]string{false: "", true: "ec2_web.pem"}[debug]
		if key == nil || key.DebugKeyPath != want {
			t.Errorf("debug=%v: key step %+v, want DebugKeyPath %q", debug, key, want)
		}
	}
}
