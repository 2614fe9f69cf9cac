package ami

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type runInstanceEC2 interface {
	RunInstances(context.Context, *ec2.RunInstancesInput, ...func(*ec2.Options)) (*ec2.RunInstancesOutput, error)
	DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	TerminateInstances(context.Context, *ec2.TerminateInstancesInput, ...func(*ec2.Options)) (*ec2.TerminateInstancesOutput, error)
	deleteVolumeEC2
}

// StepRunInstance launches the build instance and waits until it runs; its
// Cleanup terminates it, waits until it is gone (the security group cannot
// be deleted before) and deletes any of its volumes EC2 kept.
// Uses: stateSourceImage, stateSubnetID, stateSecurityGroupIDs,
// stateKeyPairName. Puts: stateInstance, stateInstanceID, stateSSHHost.
type StepRunInstance struct {
	EC2 runInstanceEC2
	// Launch is everything from the template that shapes the launch.
	Launch  LaunchSpec
	Region  string
	Polling ec2wait.Options

	created string
	volumes []string
}

func (s *StepRunInstance) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	in, err := s.Launch.input(state)
	if err != nil {
		return halt(state, err)
	}
	uiOf(state).Say(fmt.Sprintf("Launching a %s build instance from %s ...", in.InstanceType, aws.ToString(in.ImageId)))
	out, err := s.launch(ctx, state, in)
	if err != nil {
		return halt(state, fmt.Errorf("launching the build instance: %w", err))
	}
	if len(out.Instances) == 0 {
		return halt(state, fmt.Errorf("launching the build instance: EC2 returned no instance"))
	}
	s.created = aws.ToString(out.Instances[0].InstanceId)
	statePut(state, stateInstanceID, s.created)
	inst, err := s.waitFor(ctx, state, "running", ec2types.InstanceStateNameRunning)
	if err != nil {
		return halt(state, err)
	}
	statePut(state, stateInstance, inst)
	s.volumes = attachedVolumes(inst)
	host, err := s.Launch.SSHHost, error(nil)
	if host == "" {
		host, err = sshHost(s.Launch.SSHInterface, inst)
	}
	if err != nil {
		return halt(state, err)
	}
	if host == "" {
		uiOf(state).Say(fmt.Sprintf("Instance %s is running (SSH goes through a Session Manager tunnel)", s.created))
		return multistep.ActionContinue
	}
	statePut(state, stateSSHHost, host)
	uiOf(state).Say(fmt.Sprintf("Instance %s is running (address %s)", s.created, host))
	return multistep.ActionContinue
}

// waitFor polls the instance until it reaches want and returns it.
func (s *StepRunInstance) waitFor(ctx context.Context, state multistep.StateBag, label string, want ec2types.InstanceStateName) (ec2types.Instance, error) {
	return waitInstance(ctx, s.EC2, uiOf(state).Say, s.created, label, want, s.Polling)
}

func (s *StepRunInstance) Cleanup(state multistep.StateBag) {
	if s.created == "" {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	manual := fmt.Sprintf("aws ec2 terminate-instances --region %s --instance-ids %s", s.Region, s.created)
	uiOf(state).Say(fmt.Sprintf("Terminating build instance %s ...", s.created))
	if _, err := s.EC2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{s.created}}); err != nil && !ec2wait.IsNotFound(err) {
		leftBehind(state, "instance", s.created, manual, err)
		return
	}
	if _, err := s.waitFor(ctx, state, "terminated", ec2types.InstanceStateNameTerminated); err != nil && !ec2wait.IsNotFound(err) {
		leftBehind(state, "instance", s.created, manual, err)
		return
	}
	deleteVolumes(ctx, state, s.EC2, s.Region, s.volumes)
	s.created = ""
}
