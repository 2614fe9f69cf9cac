package ami

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// cleanupTimeout bounds one step's Cleanup. Cleanups run after the build's
// context may have been cancelled (Ctrl-C), so each derives its own context
// from context.Background().
const cleanupTimeout = 10 * time.Minute

// cleanupContext is the context a Cleanup makes its EC2 calls with.
func cleanupContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), cleanupTimeout)
}

// skipCheck tells the user a pre-launch check was skipped, and why.
func skipCheck(state multistep.StateBag, check string, err error) {
	log.Printf("[WARN] skipping check %s: %v", check, err)
	grant := ""
	if action := ec2wait.MissingPermission(err); action != "" {
		grant = "; grant " + action + " to have it checked"
	}
	uiOf(state).Say(fmt.Sprintf("Skipping the check of %s: not permitted (%s%s)", check, ec2wait.Code(err), grant))
}

// halt records err as the build's error, shows it, and stops the build.
// A refusal for lack of permission names the IAM action to grant.
func halt(state multistep.StateBag, err error) multistep.StepAction {
	err = explainDenied(err)
	statePut(state, stateError, err)
	if ui, ok := stateGet[packersdk.Ui](state, stateUI); ok {
		ui.Error(err.Error())
	}
	return multistep.ActionHalt
}

// uiOf returns the build's UI (the runner always puts one).
func uiOf(state multistep.StateBag) packersdk.Ui {
	u, _ := stateGet[packersdk.Ui](state, stateUI)
	return u
}

// explainDenied adds the IAM action a refused call needed to err.
func explainDenied(err error) error {
	if action := ec2wait.MissingPermission(err); action != "" {
		return fmt.Errorf("%w\nThe build's AWS identity is missing the IAM permission %s: grant it "+
			"(the builder's minimal IAM policy: docs/iam-policy.json)", err, action)
	}
	return err
}

// leftBehind tells the user exactly what a failed cleanup left and how to
// remove it by hand.
func leftBehind(state multistep.StateBag, what, id, command string, err error) {
	msg := fmt.Sprintf("could not delete %s %s: %v\nDelete it by hand: %s", what, id, explainDenied(err), command)
	log.Printf("[ERROR] %s", msg)
	if u := uiOf(state); u != nil {
		u.Error(msg)
	}
}

// uninterruptible returns a context for a call that creates something: it
// is not cancelled by Ctrl-C, so the created ID always comes back and can
// be remembered for cleanup. (A create cancelled in flight may still
// happen on EC2's side, and the build would never learn the ID.)
func uninterruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), createCallTimeout)
}

// createCallTimeout bounds one create call including the SDK's retries.
const createCallTimeout = 5 * time.Minute

// buildFailed reports whether the build was cancelled or halted: only then
// do image steps remove what they made.
func buildFailed(state multistep.StateBag) bool {
	_, cancelled := state.GetOk(multistep.StateCancelled)
	_, halted := state.GetOk(multistep.StateHalted)
	return cancelled || halted
}

// newIDGrace is how long EC2 may not know an ID it has just returned.
const newIDGrace = ec2wait.DefaultNotFoundGrace

// graceLeft is what is left of newIDGrace for an ID created at t:
// NotFound before that means "not visible yet", after it "gone".
func graceLeft(t time.Time) time.Duration {
	if d := newIDGrace - time.Since(t); !t.IsZero() && d > 0 {
		return d
	}
	return -1
}
