package ami

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// profileLagEC2 refuses the instance profile the way EC2 does for a
// profile IAM made moments ago, refusals times, then launches.
type profileLagEC2 struct {
	fakeInstances
	refusals, calls int
}

func (f *profileLagEC2) RunInstances(ctx context.Context, in *ec2.RunInstancesInput, o ...func(*ec2.Options)) (*ec2.RunInstancesOutput, error) {
	f.calls++
	if f.calls <= f.refusals {
		return nil, &smithy.GenericAPIError{Code: "InvalidParameterValue",
			Message: "Value (immutable-build-x) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"}
	}
	return f.fakeInstances.RunInstances(ctx, in, o...)
}

func launchState(out *bytes.Buffer) multistep.StateBag {
	state := testState(out)
	statePut(state, stateSourceImage, ec2types.Image{ImageId: aws.String("ami-1")})
	statePut(state, stateInstanceProfile, "immutable-build-x")
	return state
}

// TestRunInstanceWaitsForEC2ToKnowTheProfile: RunInstances refused for a
// new instance profile is asked again until EC2 accepts it, launching one
// instance with the build's profile; a profile EC2 never accepts fails
// after the bounded retries, naming iam_instance_profile.
func TestRunInstanceWaitsForEC2ToKnowTheProfile(t *testing.T) {
	var out bytes.Buffer
	state := launchState(&out)
	f := &profileLagEC2{fakeInstances: fakeInstances{state: ec2types.InstanceStateNameRunning}, refusals: 3}
	s := &StepRunInstance{EC2: f, Instance: buildInstance{EC2: f, Region: "us-east-1", Polling: fastPolling}, Launch: LaunchSpec{InstanceType: "t3.micro", Tags: baseTags("u", "b-1")}}
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v\n%s", state.Get("error"), out.String())
	}
	if f.calls != 4 || aws.ToString(f.run.IamInstanceProfile.Name) != "immutable-build-x" {
		t.Errorf("%d RunInstances calls with profile %+v; want 4 with the build's profile", f.calls, f.run.IamInstanceProfile)
	}
	if !strings.Contains(out.String(), "EC2 does not know instance profile immutable-build-x yet") {
		t.Errorf("no progress message:\n%s", out.String())
	}

	state = launchState(&out)
	never := &profileLagEC2{refusals: 1 << 30}
	polling := fastPolling
	polling.MaxAttempts = 5
	s = &StepRunInstance{EC2: never, Instance: buildInstance{EC2: never, Region: "us-east-1", Polling: polling}, Launch: LaunchSpec{InstanceType: "t3.micro", Tags: baseTags("u", "b-1")}}
	if s.Run(context.Background(), state) != multistep.ActionHalt {
		t.Fatal("launched with a profile EC2 refuses")
	}
	if err := state.Get("error").(error); never.calls != 5 || !strings.Contains(err.Error(), "EC2 still refuses instance profile immutable-build-x") ||
		!strings.Contains(err.Error(), "Invalid IAM Instance Profile name") {
		t.Errorf("after %d calls: %v", never.calls, err)
	}
}
