package ami

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

type runInstanceEC2 interface {
	RunInstances(context.Context, *ec2.RunInstancesInput, ...func(*ec2.Options)) (*ec2.RunInstancesOutput, error)
	buildInstanceEC2
}

// StepRunInstance launches the build instance on demand and waits until it
// runs; its Cleanup terminates it, waits until it is gone (the security
// group cannot be deleted before) and deletes any of its volumes EC2 kept.
// Uses: stateSourceImage, stateSubnetID, stateSecurityGroupIDs,
// stateKeyPairName, stateInstanceProfile. Puts: stateInstance,
// stateInstanceID, stateKeptVolumes, stateSSHHost.
type StepRunInstance struct {
	EC2 runInstanceEC2
	// Launch is everything from the template that shapes the launch.
	Launch LaunchSpec
	// Instance waits for, addresses and terminates what was launched.
	Instance buildInstance

	token string // RunInstances' client token, one per launch
}

func (s *StepRunInstance) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	in, err := s.Launch.input(state)
	if err != nil {
		return halt(state, err)
	}
	uiOf(state).Say(fmt.Sprintf("Launching a %s build instance from %s ...", in.InstanceType, aws.ToString(in.ImageId)))
	id, err := s.launch(ctx, state, in)
	if err != nil {
		return halt(state, err)
	}
	s.Instance.launched(state, id)
	if err := ctx.Err(); err != nil {
		return halt(state, fmt.Errorf("launching the build instance: %w", err))
	}
	if err := s.Instance.awaitRunning(ctx, state); err != nil {
		return halt(state, err)
	}
	return multistep.ActionContinue
}

func (s *StepRunInstance) Cleanup(state multistep.StateBag) { s.Instance.terminate(state) }
