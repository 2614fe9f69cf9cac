package ami

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// TestHaltKeepsTheCause: a step that halts the build records the very error
// it met, which Packer prints as the build's failure, and shows it.
func TestHaltKeepsTheCause(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	cause := errors.New("launching the build instance: InsufficientInstanceCapacity: no t3.micro in us-east-1a")
	if got := halt(state, cause); got != multistep.ActionHalt {
		t.Errorf("halt = %v, want ActionHalt", got)
	}
	if err, _ := stateGet[error](state, stateError); !errors.Is(err, cause) {
		t.Errorf("the build's error is %v, want the cause %v", err, cause)
	}
	if !strings.Contains(out.String(), "InsufficientInstanceCapacity") {
		t.Errorf("the UI shows %q, want the cause", out.String())
	}
}
