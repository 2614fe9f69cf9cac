package ami

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// TestStepRunSpotInstanceExplainsAnInterruption: the build failed (here:
// the provisioner lost SSH) and EC2 had taken the instance back; the
// build's error says so, what to try, and still wraps the original.
func TestStepRunSpotInstanceExplainsAnInterruption(t *testing.T) {
	for name, interrupt := range map[string]func(f *fakeSpotEC2){
		"terminated": func(f *fakeSpotEC2) {
			f.instance.State = &ec2types.InstanceState{Name: ec2types.InstanceStateNameTerminated}
			f.instance.StateReason = &ec2types.StateReason{Code: aws.String("Server.SpotInstanceTermination"), Message: aws.String("Server.SpotInstanceTermination: Spot instance termination")}
		},
		"interruption notice": func(f *fakeSpotEC2) { f.request.Status.Code = aws.String("marked-for-termination") },
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			state := spotState(&out)
			f := newFakeSpot()
			f.fleets = []*ec2.CreateFleetOutput{launched("fleet-1")}
			s := spotStep(f, "price-capacity-optimized", "auto")
			if s.Run(context.Background(), state) != multistep.ActionContinue {
				t.Fatalf("Run halted: %v", state.Get("error"))
			}
			cause := errors.New("ssh: connection reset by peer")
			halt(state, cause)
			state.Put(multistep.StateHalted, true)
			interrupt(f)
			s.Cleanup(state)
			err, _ := stateGet[error](state, stateError)
			if !errors.Is(err, cause) || !strings.Contains(err.Error(), "EC2 interrupted the Spot Instance i-1") ||
				!strings.Contains(err.Error(), "list more spot_instance_types") {
				t.Errorf("build error: %v", err)
			}
		})
	}
}

// TestStepRunSpotInstanceFailedBuildWithoutInterruption keeps the error.
func TestStepRunSpotInstanceFailedBuildWithoutInterruption(t *testing.T) {
	state := spotState(new(bytes.Buffer))
	f := newFakeSpot()
	f.fleets = []*ec2.CreateFleetOutput{launched("fleet-1")}
	s := spotStep(f, "price-capacity-optimized", "auto")
	s.Run(context.Background(), state)
	cause := errors.New("provisioner failed")
	halt(state, cause)
	state.Put(multistep.StateHalted, true)
	s.Cleanup(state)
	if err, _ := stateGet[error](state, stateError); err != cause {
		t.Errorf("build error became %v", err)
	}
}

// TestStepRunSpotInstanceCleanupFailuresSayWhatToRemove: each resource it
// cannot remove is named with the command that removes it.
func TestStepRunSpotInstanceCleanupFailuresSayWhatToRemove(t *testing.T) {
	var out bytes.Buffer
	state := spotState(&out)
	f := newFakeSpot()
	f.fleets = []*ec2.CreateFleetOutput{launched("fleet-1")}
	s := spotStep(f, "price-capacity-optimized", "auto")
	s.Run(context.Background(), state)
	denied := errors.New("UnauthorizedOperation")
	f.failOn = map[string]error{"DeleteFleets fleet-1": denied, "CancelSpotInstanceRequests": denied, "DeleteLaunchTemplate": denied}
	s.Cleanup(state)
	for _, w := range []string{"aws ec2 delete-fleets --region us-east-1 --fleet-ids fleet-1 --terminate-instances",
		"aws ec2 cancel-spot-instance-requests --region us-east-1 --spot-instance-request-ids sir-1",
		"aws ec2 delete-launch-template --region us-east-1 --launch-template-id lt-1"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
}
