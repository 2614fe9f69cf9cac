//go:build acc

package ami

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// The no-orphans guarantee: whatever goes wrong after CreateImage or
// CopyImage, no AMI and no snapshot of the build stays registered —
// including an image whose wait failed, timed out or was interrupted
// (amazon-ebs leaves it: packer#10248, #13258).

func copyConfig() AMIConfig {
	return AMIConfig{AMIName: "web-v1", AMIRegions: []string{"us-west-2", "eu-west-1"}}
}

func TestNoOrphansWhenTheImageFails(t *testing.T) {
	f := newImageFixture(t, copyConfig())
	f.proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{ImagesPendingFor: 500 * time.Millisecond, FailImages: true}))
	f.run(t, context.Background())
	if err := f.failed(); !errors.Is(err, errImageFailed) {
		t.Fatalf("build error = %v, want the image failure", err)
	}
	f.assertNothingLeft(t, allRegions...)
}

func TestNoOrphansWhenTheWaitTimesOut(t *testing.T) {
	f := newImageFixture(t, copyConfig())
	f.b.config.PollingConfig = &PollingConfig{MaxAttempts: 3, DelaySeconds: 1}
	f.proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{ImagesPendingFor: time.Hour}))
	f.run(t, context.Background())
	if err := f.failed(); !errors.Is(err, ec2wait.ErrTimeout) || !strings.Contains(err.Error(), "max_attempts") {
		t.Fatalf("build error = %v, want a timeout naming max_attempts", err)
	}
	f.assertNothingLeft(t, allRegions...)
}

func TestNoOrphansWhenCancelledWaitingForTheImage(t *testing.T) {
	f := newImageFixture(t, copyConfig())
	f.proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{ImagesPendingFor: time.Hour}))
	f.runCancelledAfter(t, "DescribeImages", 3)
	f.assertNothingLeft(t, allRegions...)
}

func TestNoOrphansWhenCancelledWaitingForCopies(t *testing.T) {
	f := newImageFixture(t, copyConfig())
	f.proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{ImagesPendingFor: time.Hour, HoldOnly: []string{"CopyImage"}}))
	f.runCancelledAfter(t, "CopyImage", 2)
	f.assertNothingLeft(t, allRegions...)
}

// TestNoOrphansWhenALaterStepFails: copies finished, then tagging fails for
// good; every region's AMI is removed.
func TestNoOrphansWhenALaterStepFails(t *testing.T) {
	cfg := copyConfig()
	cfg.AMITags = map[string]string{"Broken": "{{ .Nope | nosuchfunc }}"}
	f := newImageFixture(t, cfg)
	f.run(t, context.Background())
	if err := f.failed(); err == nil || !strings.Contains(err.Error(), "rendering tags") {
		t.Fatalf("build error = %v, want a tag rendering error", err)
	}
	if n := len(f.proxy.Requests("CopyImage")); n != 2 {
		t.Fatalf("%d copies made before the failure, want 2", n)
	}
	f.assertNothingLeft(t, allRegions...)
}

// runCancelledAfter runs the steps and cancels (as Ctrl-C does) once the
// proxy has seen n calls of action, i.e. during the wait that follows.
func (f *imageFixture) runCancelledAfter(t *testing.T, action string, n int) {
	t.Helper()
	f.runCancelledAfterWith(t, action, n, func(ctx context.Context) { f.run(t, ctx) })
}

// runCancelledAfterWith is runCancelledAfter for any list of steps.
func (f *imageFixture) runCancelledAfterWith(t *testing.T, action string, n int, run func(context.Context)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for len(f.proxy.Requests(action)) < n && ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
	}()
	done := make(chan struct{})
	go func() { run(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("build did not stop after cancellation")
	}
	if _, ok := f.state.GetOk("cancelled"); !ok {
		t.Fatalf("build was not cancelled:\n%s", f.out)
	}
}

// TestFlakyEC2 is the scenario amazon-ebs fails (ANCHORS.md): 25% of calls
// throttled, new IDs invisible for 3 s. The build succeeds and the result
// is complete.
func TestFlakyEC2(t *testing.T) {
	cfg := fullConfig()
	f := newImageFixture(t, cfg, fullSharing)
	f.proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{ThrottleFraction: 0.25, ErrorFraction: 0.05, HideNewFor: 3 * time.Second, ImagesPendingFor: time.Second}))
	start := time.Now()
	f.run(t, context.Background())
	if err := f.failed(); err != nil {
		t.Fatalf("build failed: %v\n%s", err, f.out)
	}
	t.Logf("image steps under faults: %s, %d EC2 calls", time.Since(start).Round(100*time.Millisecond), len(f.proxy.Requests()))
	amis, _ := stateGet[map[string]string](f.state, stateAMIs)
	for _, r := range allRegions {
		imgs := f.ownImages(t, r)
		if len(imgs) != 1 || aws.ToString(imgs[0].ImageId) != amis[r] || tagMap(imgs[0].Tags)["Name"] != "web" {
			t.Errorf("%s: images %v, want the tagged %s only", r, f.ownImageIDs(t, r), amis[r])
		}
	}
}

// TestForceDeregisterRemovesTheOldImageAndSnapshot.
func TestForceDeregisterRemovesTheOldImageAndSnapshot(t *testing.T) {
	cfg := AMIConfig{AMIName: "web-v1", AMIForceDeregister: true, AMIForceDeleteSnapshot: true}
	f := newImageFixture(t, cfg)
	direct := f.moto.EC2(t, ec2test.DefaultRegion)
	id, _ := stateGet[string](f.state, stateInstanceID)
	old, err := direct.CreateImage(context.Background(), &ec2.CreateImageInput{InstanceId: &id, Name: aws.String("web-v1")})
	if err != nil {
		t.Fatal(err)
	}
	oldSnaps := f.ownSnapshots(t, ec2test.DefaultRegion)
	f.run(t, context.Background())
	if err := f.failed(); err != nil {
		t.Fatalf("build failed: %v", err)
	}
	imgs := f.ownImageIDs(t, ec2test.DefaultRegion)
	if len(imgs) != 1 || imgs[0] == aws.ToString(old.ImageId) {
		t.Errorf("images %v, want only the new one (old %s)", imgs, aws.ToString(old.ImageId))
	}
	for _, s := range f.ownSnapshots(t, ec2test.DefaultRegion) {
		for _, o := range oldSnaps {
			if s == o {
				t.Errorf("old snapshot %s still there", s)
			}
		}
	}
}

// TestArtifactDestroyRemovesEveryRegion.
func TestArtifactDestroyRemovesEveryRegion(t *testing.T) {
	f := newImageFixture(t, copyConfig())
	f.run(t, context.Background())
	if err := f.failed(); err != nil {
		t.Fatal(err)
	}
	a, ok := f.b.imageArtifact(f.state, awsaccess.NewClients(&f.b.config.AccessConfig)).(*Artifact)
	if !ok {
		t.Fatal("no artifact")
	}
	if err := a.Destroy(); err != nil {
		t.Fatal(err)
	}
	f.assertNothingLeft(t, allRegions...)
}
