//go:build acc

package ami

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// seedImageNamed registers an image named name in region straight on moto
// (not through the build), as another build or a person would have.
func (f *imageFixture) seedImageNamed(t *testing.T, region, name string) string {
	t.Helper()
	c := f.moto.EC2(t, region)
	ctx := context.Background()
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(seedImageID(t, c)), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	img, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: run.Instances[0].InstanceId, Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(img.ImageId)
}

// failAction answers every call of one action with a permanent error
// while on.
type failAction struct {
	action string
	on     atomic.Bool
}

func (a *failAction) Before(c *ec2proxy.Call) *ec2proxy.Answer {
	if a.on.Load() && c.Action == a.action {
		return ec2proxy.ErrorAnswer(400, "InvalidParameterValue", "injected: "+a.action+" refused")
	}
	return nil
}

func (*failAction) After(_ *ec2proxy.Call, body []byte) []byte { return body }

// stillThere checks the reused AMI and its snapshots exist.
func (w *wholeBuild) stillThere(t *testing.T, id string, snaps []string) {
	t.Helper()
	imgs := w.ownImages(t, ec2test.DefaultRegion)
	if !slices.ContainsFunc(imgs, func(i ec2types.Image) bool { return aws.ToString(i.ImageId) == id }) {
		t.Errorf("the reused AMI %s was deleted:\n%s", id, w.out)
	}
	left := w.ownSnapshots(t, ec2test.DefaultRegion)
	for _, s := range snaps {
		if !slices.Contains(left, s) {
			t.Errorf("snapshot %s of the reused AMI was deleted", s)
		}
	}
}

// TestReusedImageSurvivesTheReusingBuildsFailures: a Ctrl-C while the
// reused image is copied to a new region, a later step failing, and
// Packer destroying the artifact (as it does when a post-processor fails)
// each remove the copy this build made and never the reused AMI or its
// snapshots.
func TestReusedImageSurvivesTheReusingBuildsFailures(t *testing.T) {
	w, _ := reuseBuild(t, nil)
	w.mustSucceed(t)
	reusedID := w.amis()[ec2test.DefaultRegion]
	snaps := w.ownSnapshots(t, ec2test.DefaultRegion)
	west := map[string]any{"ami_regions": []string{"us-west-2"}}

	t.Run("Ctrl-C during the copy", func(t *testing.T) {
		w.proxy.SetFaults(ec2test.Faults{ImagesPendingFor: time.Hour, HoldOnly: []string{"CopyImage"}})
		defer w.proxy.SetFaults(ec2test.Faults{})
		w2 := w.again(t, "cancelled-build-uuid", west)
		w2.runCancelledAfterWith(t, "CopyImage", 1, func(ctx context.Context) { w2.run(t, ctx) })
		w2.stillThere(t, reusedID, snaps)
		w2.assertNothingLeft(t, "us-west-2")
	})
	t.Run("a later step fails", func(t *testing.T) {
		tags := &failAction{action: "CreateTags"}
		tags.on.Store(true)
		defer tags.on.Store(false)
		w.proxy.Use(tags)
		w2 := w.again(t, "failed-build-uuid", west)
		w2.run(t, context.Background())
		if err := w2.failed(); err == nil || !strings.Contains(err.Error(), "tagging") {
			t.Fatalf("err = %v, want the tagging refused", err)
		}
		if w2.calls("CopyImage") != 1 {
			t.Fatalf("%d copies before the failure, want 1", w2.calls("CopyImage"))
		}
		w2.stillThere(t, reusedID, snaps)
		w2.assertNothingLeft(t, "us-west-2")
	})
	t.Run("Packer destroys the artifact", func(t *testing.T) {
		w2 := w.again(t, "destroyed-build-uuid", west)
		w2.mustSucceed(t)
		a := newArtifact(w2.state, forRegion[deleteImageEC2](awsaccess.NewClients(&w2.b.config.AccessConfig)))
		if err := a.Destroy(); err != nil {
			t.Fatal(err)
		}
		w2.stillThere(t, reusedID, snaps)
		w2.assertNothingLeft(t, "us-west-2")
	})
}
