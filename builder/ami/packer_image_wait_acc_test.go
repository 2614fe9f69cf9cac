//go:build acc

package ami

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// imageWaitTemplate is a whole build through SSH (the in-test server
// accepting moto's key pairs) up to CreateImage.
const imageWaitTemplate = `
source "immutable-ami" "x" {
  region        = "us-east-1"
  instance_type = "t2.micro"
  ami_name      = "held-image"
  source_ami    = "ami-0a1b2c3d4e5f60001"
  ssh_username  = "ubuntu"
  ssh_host      = "127.0.0.1"
  ssh_port      = PORT
  ssh_timeout   = "30s"
  temporary_security_group_source_cidrs = ["127.0.0.1/32"]
  EXTRA
}
build { sources = ["source.immutable-ami.x"] }
`

var amiLine = regexp.MustCompile(`: AMI: (ami-[0-9a-f]+)`)

// imageWaitBuild is real packer against moto behind the fault proxy, with
// what the account held before the build remembered.
type imageWaitBuild struct {
	*buildEnv
	proxy     *ec2test.Proxy
	packer    *packerProc
	snapshots map[string]bool
	images    map[string]bool
}

func startImageWaitBuild(t *testing.T, faults ec2test.Faults, extra string) *imageWaitBuild {
	t.Helper()
	e := newBuildEnv(t)
	b := &imageWaitBuild{buildEnv: e, proxy: e.proxy,
		snapshots: e.ownSnapshots(t), images: map[string]bool{}}
	for _, img := range e.images(t) {
		b.images[aws.ToString(img.ImageId)] = true
	}
	b.proxy.SetFaults(faults)
	tmpl := strings.NewReplacer("PORT", strconv.Itoa(e.ssh.Port), "EXTRA", extra).Replace(imageWaitTemplate)
	b.packer = startPacker(t, b.proxy.Env(), tmpl)
	return b
}

// TestPackerCtrlCDuringImageWaitLeavesNothing: Ctrl-C while packer waits
// for the AMI (held "pending" by the proxy) deregisters that AMI and
// deletes its snapshot; no instance, key pair, group or volume is left.
// This is the orphan amazon-ebs leaves (packer#10248).
func TestPackerCtrlCDuringImageWaitLeavesNothing(t *testing.T) {
	b := startImageWaitBuild(t, ec2test.Faults{ImagesPendingFor: time.Hour}, "")
	b.packer.waitForOutput(t, "in us-east-1 to become available", 2*time.Minute)
	time.Sleep(time.Second) // a few polls into the wait
	b.packer.interrupt(t)
	if !strings.Contains(b.packer.out.String(), "ancelled") {
		t.Errorf("packer did not report a cancelled build:\n%s", b.packer.out.String())
	}
	b.assertAllGone(t)
}

// TestPackerCtrlCDuringCopyWaitLeavesNothing: Ctrl-C while packer waits
// for the us-west-2 copy (held "pending") removes the copy and the
// us-east-1 AMI, with their snapshots, and everything temporary.
func TestPackerCtrlCDuringCopyWaitLeavesNothing(t *testing.T) {
	b := startImageWaitBuild(t, ec2test.Faults{ImagesPendingFor: time.Hour, HoldOnly: []string{"CopyImage"}},
		`ami_regions = ["us-west-2"]`)
	west := b.moto.EC2(t, "us-west-2")
	westImages, westSnaps := imageIDSet(t, west), snapshotSet(t, west)
	b.packer.waitForOutput(t, "in us-west-2 to become available", 2*time.Minute)
	time.Sleep(time.Second)
	b.packer.interrupt(t)
	b.assertAllGone(t)
	if got := imageIDSet(t, west); len(got) != len(westImages) {
		t.Errorf("us-west-2 images before %v, after %v", westImages, got)
	}
	for snap := range snapshotSet(t, west) {
		if !westSnaps[snap] {
			t.Errorf("us-west-2 snapshot left: %s", snap)
		}
	}
}

// TestPackerFailedImageLeavesNothing: an AMI that ends in state "failed"
// fails the build, and the failed AMI, its snapshot and every temporary
// resource are removed.
func TestPackerFailedImageLeavesNothing(t *testing.T) {
	b := startImageWaitBuild(t, ec2test.Faults{ImagesPendingFor: 2 * time.Second, FailImages: true}, "")
	err := b.packer.wait(t)
	out := b.packer.out.String()
	if err == nil || !strings.Contains(out, "failed") {
		t.Errorf("packer exit %v, want a failed build naming the failed AMI:\n%s", err, out)
	}
	b.assertAllGone(t)
}

// assertAllGone checks the endpoint itself: the build's AMI is
// deregistered, no image or snapshot of the account appeared, and nothing
// temporary is left.
func (b *imageWaitBuild) assertAllGone(t *testing.T) {
	t.Helper()
	out := b.packer.out.String()
	m := amiLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the build never created an AMI:\n%s", out)
	}
	if imgs, err := b.ec2.DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{m[1]}}); err == nil && len(imgs.Images) > 0 {
		t.Errorf("AMI %s is still registered (%s)", m[1], imgs.Images[0].State)
	}
	for _, img := range b.buildEnv.images(t) {
		if !b.images[aws.ToString(img.ImageId)] {
			t.Errorf("image left: %s (%s)", aws.ToString(img.ImageId), img.State)
		}
	}
	for snap := range b.ownSnapshots(t) {
		if !b.snapshots[snap] {
			t.Errorf("snapshot left: %s", snap)
		}
	}
	b.assertNothingLeft(t)
	if t.Failed() {
		t.Logf("packer output:\n%s", out)
	}
}

// ownSnapshots lists the snapshots of this account in the build region.
func (e *buildEnv) ownSnapshots(t *testing.T) map[string]bool {
	t.Helper()
	return snapshotSet(t, e.ec2)
}

// imageIDSet lists the AMIs of this account in c's region.
func imageIDSet(t *testing.T, c *ec2.Client) map[string]bool {
	t.Helper()
	out, err := c.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"self"}})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, img := range out.Images {
		ids[aws.ToString(img.ImageId)] = true
	}
	return ids
}

// snapshotSet lists the snapshots of this account in c's region.
func snapshotSet(t *testing.T, c *ec2.Client) map[string]bool {
	t.Helper()
	out, err := c.DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, s := range out.Snapshots {
		ids[aws.ToString(s.SnapshotId)] = true
	}
	return ids
}
