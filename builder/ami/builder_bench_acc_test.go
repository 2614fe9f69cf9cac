//go:build acc

package ami

import (
	"context"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// BenchmarkSlowRegionBuild times a whole build (without the SSH hop) on
// the simulated region of ANCHORS.md: instance boot 20 s, stop 10 s, image
// 40 s, a 70 s floor, where amazon-ebs took 107 s and 26 EC2 calls. Run it
// with `go test -tags acc -run '^$' -bench SlowRegion -benchtime 1x ./builder/ami/`.
// Reports seconds over the floor and EC2 calls per build. Measured
// (2026-11-26): 74.5 s (4.5 s over the floor), 73 calls (29 DescribeImages,
// 26 DescribeInstances). Every wait here is under a minute, so the cap
// stretching of long waits (ec2wait.StretchDivisor) does not change it;
// BenchmarkWaitShape shows what it saves on real multi-minute image waits.
func BenchmarkSlowRegionBuild(b *testing.B) {
	const floor = 70 * time.Second
	for b.Loop() {
		b.StopTimer()
		w := newWholeBuild(b, map[string]any{"ami_regions": []string{}})
		w.b.pace = ec2wait.NewPace() // nothing learned yet, as a real build
		w.proxy.SetFaults(ec2test.Faults{InstancesPendingFor: 20 * time.Second, StoppingFor: 10 * time.Second, ImagesPendingFor: 40 * time.Second})
		w.proxy.Reset()
		b.StartTimer()
		start := time.Now()
		w.run(b, context.Background())
		took := time.Since(start)
		if err := w.failed(); err != nil {
			b.Fatalf("build failed: %v", err)
		}
		b.ReportMetric(took.Seconds(), "s/build")
		b.ReportMetric((took - floor).Seconds(), "s-over-floor/build")
		b.ReportMetric(float64(len(w.proxy.Requests())), "ec2-calls/build")
		calls := map[string]int{}
		for _, r := range w.proxy.Requests() {
			calls[r.Action]++
		}
		b.Logf("EC2 calls by action: %v", calls)
	}
}
