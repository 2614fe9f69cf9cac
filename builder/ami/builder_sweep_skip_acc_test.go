//go:build acc

package ami

import (
	"context"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// TestSucceededBuildWithEveryAnswerSkipsTheSweep: a build that succeeded
// with every create answered at its first attempt knows all it made, so
// its stray sweep asks EC2 nothing (the sweep's DescribeKeyPairs and
// DescribeSnapshots are its own calls); TestStrayFromALostAnswerIsSwept
// is the other side, a lost answer making the sweep look.
func TestSucceededBuildWithEveryAnswerSkipsTheSweep(t *testing.T) {
	e := newBuildEnv(t)
	e.proxy.SetFaults(ec2test.Faults{}) // every answer arrives: nothing is uncertain
	if _, err, out := e.run(t, context.Background(), e.template(nil), &runHook{}); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if calls := e.proxy.Requests("DescribeKeyPairs", "DescribeSnapshots"); len(calls) != 0 {
		t.Errorf("the sweep looked for strays after a build that knew all it made: %v", calls)
	}
	e.assertNothingLeft(t)
}
