package ami

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// TestStepRunSpotInstanceWaitsForANewInstanceProfileInTheAnswer: a fleet
// that launched nothing because EC2 does not know the profile yet is
// asked again with a new client token, and both fleets are deleted.
func TestStepRunSpotInstanceWaitsForANewInstanceProfileInTheAnswer(t *testing.T) {
	state := spotState(new(bytes.Buffer))
	f := newFakeSpot()
	f.fleets = []*ec2.CreateFleetOutput{fleetWithoutCapacity("fleet-1", "InvalidParameterValue", "t3.micro"), launched("fleet-2")}
	f.fleets[0].Errors[0].ErrorMessage = aws.String("Invalid IAM Instance Profile name")
	s := spotStep(f, "price-capacity-optimized", "auto")
	s.Spot.CapacityRetries = nil // not a capacity retry
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v", state.Get("error"))
	}
	if a, b := aws.ToString(f.fleetIns[0].ClientToken), aws.ToString(f.fleetIns[1].ClientToken); a == b {
		t.Errorf("the second call reused client token %q of a fleet EC2 made", a)
	}
	s.Cleanup(state)
	if got := strings.Join(f.calls, " "); !strings.Contains(got, "DeleteFleets fleet-1 DeleteFleets fleet-2") {
		t.Errorf("calls: %s", got)
	}
}

// TestStepRunSpotInstanceWaitsForANewInstanceProfile: CreateFleet refusing
// a profile EC2 does not know yet (as it does for moments after the
// profile is made) is asked again, not a failure.
func TestStepRunSpotInstanceWaitsForANewInstanceProfile(t *testing.T) {
	state := spotState(new(bytes.Buffer))
	f := &fleetProfileLagEC2{fakeSpotEC2: newFakeSpot()}
	f.fleets = []*ec2.CreateFleetOutput{launched("fleet-1")}
	s := spotStep(f.fakeSpotEC2, "price-capacity-optimized", "auto")
	s.EC2 = f
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v", state.Get("error"))
	}
	if f.refused != 1 {
		t.Errorf("refused %d times, want 1 then a launch", f.refused)
	}
	s.Cleanup(state)
}
