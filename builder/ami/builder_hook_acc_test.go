//go:build acc

package ami

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// TestRunHookEndsOnAFailedAssertion: a check inside the provisioning hook
// that calls t.Fatal ends its goroutine with runtime.Goexit; the hook must
// then return an error (failing the build at once, cleanup included), not
// leave StepProvision waiting until the test binary's 30-minute timeout.
// The guard below only detects a hang: the hook returns in microseconds.
func TestRunHookEndsOnAFailedAssertion(t *testing.T) {
	h := &runHook{fail: func() error {
		runtime.Goexit() // what t.Fatal does after marking the test failed
		return nil
	}}
	done := make(chan error, 1)
	go func() { done <- h.Run(context.Background(), packersdk.HookProvision, nil, nil, nil) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "assertion failed inside the provisioning hook") {
			t.Errorf("the hook returned %v, want an error naming the failed assertion", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the hook never returned after its assertion failed: the build would hang")
	}
}
