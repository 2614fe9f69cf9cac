package ami

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type stopInstanceEC2 interface {
	StopInstances(context.Context, *ec2.StopInstancesInput, ...func(*ec2.Options)) (*ec2.StopInstancesOutput, error)
	DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
}

// StepStopInstance stops the build instance and waits until it is stopped,
// so the image is taken from quiet disks. With disable_stop_instance the
// last provisioner stops it, and this step only waits. Termination is
// StepRunInstance's cleanup. Uses: stateInstanceID. Puts: stateInstance
// (as stopped).
type StepStopInstance struct {
	EC2 stopInstanceEC2
	// DisableStop is disable_stop_instance.
	DisableStop bool
	Polling     ec2wait.Options
}

func (s *StepStopInstance) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	id, _ := stateGet[string](state, stateInstanceID)
	if s.DisableStop {
		uiOf(state).Say(fmt.Sprintf("disable_stop_instance: waiting for the provisioners' shutdown to stop instance %s ...", id))
	} else {
		uiOf(state).Say(fmt.Sprintf("Stopping instance %s ...", id))
		if _, err := s.EC2.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}}); err != nil {
			return halt(state, fmt.Errorf("stopping instance %s: %w", id, err))
		}
	}
	inst, err := waitInstance(ctx, s.EC2, uiOf(state).Say, id, "stopped", ec2types.InstanceStateNameStopped, s.Polling)
	if err != nil && s.DisableStop {
		err = fmt.Errorf("%w (disable_stop_instance is set: the last provisioner must stop the instance, e.g. `sudo shutdown -h now`)", err)
	}
	if err != nil {
		return halt(state, err)
	}
	statePut(state, stateInstance, inst)
	return multistep.ActionContinue
}

func (s *StepStopInstance) Cleanup(multistep.StateBag) {}
