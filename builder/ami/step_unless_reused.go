package ami

import (
	"context"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// stepUnlessReused runs a step only when StepReuseImage found no image to
// reuse: the steps that launch the build instance and make an image. Its
// Cleanup runs the step's Cleanup only if the step ran, so a reuse
// undoes nothing it did not do. Uses: stateReused.
type stepUnlessReused struct {
	step multistep.Step
	ran  bool
}

// unlessReused wraps each step.
func unlessReused(steps ...multistep.Step) []multistep.Step {
	out := make([]multistep.Step, len(steps))
	for i, s := range steps {
		out[i] = &stepUnlessReused{step: s}
	}
	return out
}

func (s *stepUnlessReused) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	if reused(state) {
		return multistep.ActionContinue
	}
	s.ran = true
	return s.step.Run(ctx, state)
}

func (s *stepUnlessReused) Cleanup(state multistep.StateBag) {
	if s.ran {
		s.step.Cleanup(state)
	}
}

// Unwrap is the wrapped step (tests pick steps by type).
func (s *stepUnlessReused) Unwrap() multistep.Step { return s.step }

// reused reports whether the build reuses an image.
func reused(state multistep.StateBag) bool {
	_, ok := stateGet[reusedImage](state, stateReused)
	return ok
}
