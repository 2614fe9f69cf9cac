//go:build acc

package ami

import (
	"context"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// cleanupCalls are the calls a failed build's cleanup makes.
var cleanupCalls = []string{"TerminateInstances", "DeleteSecurityGroup", "DeleteKeyPair", "DeregisterImage",
	"DeleteSnapshot", "DeleteVolume", "DescribeVolumes"}

// TestCleanupRidesOutThrottlingBursts: a build fails after making its AMIs
// (tagging fails for good), and its cleanup calls meet bursts of
// throttling and 5xx errors longer than the SDK's own retries
// (max_retries = 1: two attempts). Cleanup keeps asking, with backoff, and
// leaves nothing.
func TestCleanupRidesOutThrottlingBursts(t *testing.T) {
	w := newWholeBuild(t, map[string]any{"max_retries": 1})
	f := ec2test.Quirks()
	f.Fail = map[string]string{"CreateTags": "TagLimitExceeded"}
	f.ThrottleFraction, f.ErrorFraction, f.BurstLength, f.FaultActions = 0.4, 0.2, 4, cleanupCalls
	f.BurstFirst = true // every cleanup call meets a burst, not only those the draw picks
	w.proxy.SetFaults(f)
	w.run(t, context.Background())
	if err := w.failed(); err == nil || !strings.Contains(err.Error(), "TagLimitExceeded") {
		t.Fatalf("build error %v, want the tagging failure", err)
	}
	if strings.Contains(w.out.String(), "could not delete") {
		t.Errorf("cleanup gave up:\n%s", w.out)
	}
	retried := 0
	for _, a := range cleanupCalls {
		if n := len(w.proxy.Requests(a)); n > 2 {
			retried++
		}
	}
	if retried == 0 {
		t.Errorf("no cleanup call was asked more than twice: the bursts never hit")
	}
	w.assertNothingLeft(t, allRegions...)
	w.assertNoTemporaries(t)
}
