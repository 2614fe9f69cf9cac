//go:build acc

package ami

import (
	"context"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// TestBuildRidesOutThrottling: with 30% of EC2 calls throttled and new IDs
// invisible for a second, the whole build (SSH hop included) succeeds and
// leaves nothing behind.
func TestBuildRidesOutThrottling(t *testing.T) {
	e := newBuildEnv(t)
	p := e.proxy
	p.SetFaults(ec2test.StrictPlus(ec2test.Faults{ThrottleFraction: 0.3, HideNewFor: time.Second}))
	start := time.Now()
	art, err, out := e.run(t, context.Background(), e.template(nil), &runHook{commands: []string{"true"}})
	if err != nil || art == nil {
		t.Fatalf("build failed under throttling: %v\n%s", err, out)
	}
	t.Logf("build under 30%% throttling: %s, %d EC2 calls", time.Since(start).Round(100*time.Millisecond), len(p.Requests()))
	if len(e.images(t)) != 1 {
		t.Errorf("want exactly one image, got %d", len(e.images(t)))
	}
	e.assertNothingLeft(t)
}
