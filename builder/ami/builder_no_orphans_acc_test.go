//go:build acc

package ami

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/multistep/commonsteps"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packerbuilderdata"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// wholeBuild runs the builder's real launch and image steps against moto
// through the proxy, without the SSH hop (connect, provision, remove
// temporary key: moto runs no sshd; the end-to-end suite covers those).
type wholeBuild struct {
	*imageFixture
	uuid string
	raw  map[string]any // the template, for another build of it (again)
}

func newWholeBuild(t testing.TB, extra map[string]any) *wholeBuild {
	t.Helper()
	f := newImageFixture(t, AMIConfig{AMIName: "placeholder"})
	raw := map[string]any{
		"region": ec2test.DefaultRegion, "source_ami": f.src, "instance_type": "t2.micro",
		"ssh_username": "ubuntu", "ami_name": "web-whole", "ami_regions": []string{"us-west-2"},
		"temporary_security_group_source_cidrs": []string{"203.0.113.7/32"},
		"tags":                                  map[string]string{"Name": "web", "Base": "{{ .SourceAMI }}"},
		"snapshot_tags":                         map[string]string{"Kind": "root in {{ .BuildRegion }}"},
		"ami_description":                       "from {{ .SourceAMIName }}",
	}
	for k, v := range extra {
		raw[k] = v
	}
	// The image fixture's stand-in instance is not needed here.
	standIn, _ := stateGet[string](f.state, stateInstanceID)
	if _, err := f.moto.EC2(t, ec2test.DefaultRegion).TerminateInstances(context.Background(),
		&ec2.TerminateInstancesInput{InstanceIds: []string{standIn}}); err != nil {
		t.Fatal(err)
	}
	f.b = &Builder{pace: fastPace()}
	if _, _, err := f.b.Prepare(raw); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	f.state = new(multistep.BasicStateBag)
	statePut(f.state, stateUI, packersdk.Ui(f.ui))
	(&packerbuilderdata.GeneratedData{State: f.state}).Put("BuildRegion", ec2test.DefaultRegion) // as Builder.Run
	return &wholeBuild{imageFixture: f, uuid: "whole-build-uuid", raw: raw}
}

// steps is Builder.Run's list minus the SSH hop.
func (w *wholeBuild) steps(t testing.TB, ctx context.Context) []multistep.Step {
	clients := awsaccess.NewClients(&w.b.config.AccessConfig)
	client, err := clients.EC2(ctx, ec2test.DefaultRegion)
	if err != nil {
		t.Fatal(err)
	}
	var steps []multistep.Step
	for _, s := range w.b.steps(clients, client, w.uuid) {
		switch unwrapStep(s).(type) {
		case *communicator.StepConnect, *commonsteps.StepProvision, *StepRemoveTempKey:
			continue
		}
		steps = append(steps, s)
	}
	return steps
}

func (w *wholeBuild) run(t testing.TB, ctx context.Context) {
	(&multistep.BasicRunner{Steps: w.steps(t, ctx)}).Run(ctx, w.state)
}

// assertNoTemporaries checks that no instance runs and no key pair,
// non-default security group or volume is left in the build region.
func (w *wholeBuild) assertNoTemporaries(t testing.TB) {
	t.Helper()
	c := w.moto.EC2(t, ec2test.DefaultRegion)
	ctx := context.Background()
	out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			if i.State.Name != "terminated" {
				t.Errorf("build instance %s left %s", aws.ToString(i.InstanceId), i.State.Name)
			}
		}
	}
	keys, _ := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{})
	groups, _ := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
	vols, _ := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{})
	if len(keys.KeyPairs) != 0 {
		t.Errorf("%d key pairs left", len(keys.KeyPairs))
	}
	for _, g := range groups.SecurityGroups {
		if aws.ToString(g.GroupName) != "default" {
			t.Errorf("security group %s (%s) left", aws.ToString(g.GroupId), aws.ToString(g.GroupName))
		}
	}
	for _, v := range vols.Volumes {
		t.Errorf("volume %s left (%s)", aws.ToString(v.VolumeId), v.State)
	}
}

// TestWholeBuildCancelledDuringImageWaitLeavesNothing: Ctrl-C while the
// AMI is pending; afterwards no AMI, snapshot, instance, key pair, group
// or volume of the build exists.
func TestWholeBuildCancelledDuringImageWaitLeavesNothing(t *testing.T) {
	w := newWholeBuild(t, nil)
	w.proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{ImagesPendingFor: time.Hour}))
	w.runCancelledAfterWith(t, "CreateImage", 1, func(ctx context.Context) { w.run(t, ctx) })
	w.assertNothingLeft(t, allRegions...)
	w.assertNoTemporaries(t)
}

// TestWholeBuildFailingDuringCopyWaitLeavesNothing: the region copy fails.
func TestWholeBuildFailingDuringCopyWaitLeavesNothing(t *testing.T) {
	w := newWholeBuild(t, nil)
	w.proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{ImagesPendingFor: time.Second, FailImages: true, HoldOnly: []string{"CopyImage"}}))
	w.run(t, context.Background())
	if w.failed() == nil {
		t.Fatal("build succeeded, want the copy to fail")
	}
	w.assertNothingLeft(t, allRegions...)
	w.assertNoTemporaries(t)
}

// TestWholeBuildSucceedsOnFlakyEC2 and leaves only the AMIs.
func TestWholeBuildSucceedsOnFlakyEC2(t *testing.T) {
	w := newWholeBuild(t, nil)
	w.proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{ThrottleFraction: 0.25, HideNewFor: 3 * time.Second}))
	w.run(t, context.Background())
	if err := w.failed(); err != nil {
		t.Fatalf("build failed: %v\n%s", err, w.out)
	}
	// Templated values went through Config.Prepare untouched and were
	// rendered with the build's generated data.
	for _, r := range []string{"us-east-1", "us-west-2"} {
		imgs := w.ownImages(t, r)
		if len(imgs) != 1 {
			t.Fatalf("%s: %d AMIs, want 1", r, len(imgs))
		}
		assertTags(t, r+" AMI", tagMap(imgs[0].Tags), map[string]string{"Name": "web", "Base": w.src, BuildUUIDTagKey: w.uuid})
		if d := aws.ToString(imgs[0].Description); !strings.HasPrefix(d, "from ubuntu/images/") {
			t.Errorf("%s: description %q, want the rendered source name", r, d)
		}
		for _, snap := range imageSnapshots(imgs[0]) {
			assertTags(t, r+" snapshot", w.snapshotTags(t, r, snap), map[string]string{"Base": w.src, "Kind": "root in us-east-1"})
		}
	}
	assertTaggedAtCreation(t, w.proxy, map[string]string{"RunInstances": "volume", "CreateImage": "snapshot", "CopyImage": "snapshot"})
	w.assertNoTemporaries(t)
}

// TestWholeBuildHonoursAWSPolling: aws_polling from the template reaches
// the image wait as a limit of max_attempts × delay_seconds (4 s), polled
// every delay_seconds; running out of it still leaves nothing behind.
func TestWholeBuildHonoursAWSPolling(t *testing.T) {
	w := newWholeBuild(t, map[string]any{"aws_polling": map[string]any{"delay_seconds": 1, "max_attempts": 4}})
	w.proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{ImagesPendingFor: time.Hour}))
	w.run(t, context.Background())
	err := w.failed()
	if err == nil || !strings.Contains(err.Error(), "limit 4s: max_attempts 4 × delay_seconds 1") {
		t.Fatalf("build error = %v, want the image wait to give up after 4 s", err)
	}
	polls := 0
	for _, r := range w.proxy.Requests("DescribeImages", "DeregisterImage") {
		if r.Action == "DeregisterImage" {
			break // cleanup from here on
		}
		if r.Params.Get("ImageId.1") != "" && r.Params.Get("ImageId.1") != w.src {
			polls++
		}
	}
	if polls < 3 || polls > 4 {
		t.Errorf("%d polls of the image in a 4-second wait polled every second, want 4", polls)
	}
	w.assertNothingLeft(t, allRegions...)
	w.assertNoTemporaries(t)
}
