//go:build acc

package ami

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// TestCtrlCWhileLaunchIsRetriedLeavesNothing: the first RunInstances is
// carried out but its answer lost, and the retries are refused (the new
// group is unknown for 3 s), when the build is cancelled. The launch still
// finishes (its client token gets the first launch's answer), so the step
// knows its instance and terminates it: nothing is left, and nothing for
// the sweep to find.
func TestCtrlCWhileLaunchIsRetriedLeavesNothing(t *testing.T) {
	// No source CIDRs: the group's rule waits for the instance's address,
	// so RunInstances comes right after CreateSecurityGroup.
	w := newWholeBuild(t, map[string]any{"temporary_security_group_source_cidrs": nil, "ssh_interface": "private_ip"})
	w.proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{NewGroupHiddenFor: 3 * time.Second, LoseAnswer: map[string]int{"RunInstances": 1},
		InstanceAddresses: map[string]string{"privateIpAddress": "127.0.0.1"}}))
	w.runCancelledAfterWith(t, "RunInstances", 1, func(ctx context.Context) { w.run(t, ctx) })
	if n := len(w.proxy.Requests("RunInstances")); n < 2 {
		t.Errorf("RunInstances was not retried (%d calls)", n)
	}
	if strings.Contains(w.out.String(), "Removing stray") || !strings.Contains(w.out.String(), "Terminating build instance") {
		t.Errorf("the instance was not terminated by its own step:\n%s", w.out)
	}
	w.assertNothingLeft(t, allRegions...)
	w.assertNoTemporaries(t)
}

// TestLostAnswersLeaveOneOfEach: CreateSecurityGroup, RunInstances,
// CreateImage and CopyImage are carried out but their answers lost (as a
// timeout or a closed connection looks). The SDK asks again once
// (max_retries = 1): CreateSecurityGroup then answers
// InvalidGroup.Duplicate, and the step adopts the group its name and the
// build's tag find (CI run 2 failed there). For RunInstances and
// CreateImage the second answer is lost too, so the builder's own retry
// asks a third time: the launch's client token (the SDK makes a new one per
// call of its own) and CreateImage adopting the image its name already has
// make one instance and one AMI per region; nothing is left but the AMIs.
func TestLostAnswersLeaveOneOfEach(t *testing.T) {
	w := newWholeBuild(t, map[string]any{"max_retries": 1})
	f := ec2test.Quirks() // no random throttling with max_retries = 1
	f.LoseAnswer = map[string]int{"CreateSecurityGroup": 1, "RunInstances": 2, "CreateImage": 2, "CopyImage": 1}
	w.proxy.SetFaults(f)
	w.run(t, context.Background())
	if err := w.failed(); err != nil {
		t.Fatalf("build failed: %v\n%s", err, w.out)
	}
	all, _ := w.moto.EC2(t, ec2test.DefaultRegion).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{BuildIDTagKey}}}})
	if len(all.Reservations) != 1 {
		t.Errorf("%d instances launched, want 1", len(all.Reservations))
	}
	if n := len(w.proxy.Requests("CreateSecurityGroup")); n != 2 || !strings.Contains(w.out.String(), "Creating temporary security group") {
		t.Errorf("CreateSecurityGroup called %d times, want 2 (the lost answer, then the SDK's retry adopting the group)", n)
	}
	for _, r := range []string{"us-east-1", "us-west-2"} {
		if imgs := w.ownImages(t, r); len(imgs) != 1 {
			t.Errorf("%s: %d AMIs, want 1", r, len(imgs))
		}
	}
	w.assertNoTemporaries(t)
}

// TestStrayFromALostAnswerIsSwept: ImportKeyPair is carried out, and
// every answer to it lost until the SDK gives up (max_retries = 1), so the
// build fails without knowing the key pair; the sweep finds it by the
// build's tag and removes it.
func TestStrayFromALostAnswerIsSwept(t *testing.T) {
	w := newWholeBuild(t, map[string]any{"max_retries": 1})
	f := ec2test.Quirks() // no random throttling: the SDK retries once here
	f.LoseAnswer = map[string]int{"ImportKeyPair": 2}
	w.proxy.SetFaults(f)
	w.run(t, context.Background())
	if err := w.failed(); err == nil || !strings.Contains(err.Error(), "importing temporary key pair") {
		t.Fatalf("build error %v, want the lost ImportKeyPair", err)
	}
	if !strings.Contains(w.out.String(), "Removing stray key pair immutable-build-") {
		t.Errorf("the sweep did not report the stray key pair:\n%s", w.out)
	}
	w.assertNoTemporaries(t)
}

// TestSweepKeepsTheArtifactAndKeptVolumes: after a successful build the
// sweep removes every kind of stray tagged with the build, and keeps the
// build's AMI with its snapshot, a volume the template kept, and anything
// of another build.
func TestSweepKeepsTheArtifactAndKeptVolumes(t *testing.T) {
	f := newImageFixture(t, AMIConfig{AMIName: "sweep"})
	f.proxy.SetFaults(ec2test.Faults{})
	c := f.moto.EC2(t, ec2test.DefaultRegion)
	tagged := func(id string) []ec2types.TagSpecification {
		return tagSpecs(map[string]string{BuildIDTagKey: id}, ec2types.ResourceTypeInstance)
	}
	strays, kept := makeStrays(t, c, f.src, "sweep-me", tagged), makeStrays(t, c, f.src, "other-build", tagged)
	artifact, keptVol := strays["AMI"], strays["volume"]
	delete(strays, "AMI")
	delete(strays, "volume")
	state := new(multistep.BasicStateBag)
	statePut(state, stateUI, f.ui)
	statePut(state, stateCreating, true)
	statePut(state, stateAMIs, map[string]string{ec2test.DefaultRegion: artifact})
	statePut(state, stateKeptVolumes, []string{keptVol})
	clients := awsaccess.NewClients(&f.b.config.AccessConfig)
	(&StepSweepStrays{Clients: forRegion[sweepEC2](clients), Regions: []string{ec2test.DefaultRegion}, BuildID: "sweep-me",
		Polling: fastPolling}).Cleanup(state)
	if strings.Contains(f.out.String(), "could not delete") {
		t.Errorf("the sweep failed:\n%s", f.out)
	}
	assertStrays(t, c, strays, false)
	assertStrays(t, c, kept, true)
	assertStrays(t, c, map[string]string{"AMI": artifact, "volume": keptVol}, true)
}

// TestTerminateRightAfterLaunchIsRetried: the build fails at once after
// RunInstances (it may not describe instances), so the instance is
// terminated moments after its launch, while EC2 still answers
// InvalidInstanceID.NotFound for it; the termination is asked again
// instead of taking the instance for gone.
func TestTerminateRightAfterLaunchIsRetried(t *testing.T) {
	w := newWholeBuild(t, nil)
	f := ec2test.Quirks()
	f.TerminateNotFoundFor = 3 * time.Second
	f.Fail = map[string]string{"DescribeInstances": "UnauthorizedOperation"}
	w.proxy.SetFaults(f)
	w.run(t, context.Background())
	if err := w.failed(); err == nil || !strings.Contains(err.Error(), "ec2:DescribeInstances") {
		t.Fatalf("build error %v, want the refused DescribeInstances", err)
	}
	if n := len(w.proxy.Requests("TerminateInstances")); n < 2 {
		t.Errorf("%d TerminateInstances calls: the NotFound right after the launch was taken for gone", n)
	}
	w.assertNoTemporaries(t)
}
