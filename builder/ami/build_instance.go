package ami

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type buildInstanceEC2 interface {
	DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	TerminateInstances(context.Context, *ec2.TerminateInstancesInput, ...func(*ec2.Options)) (*ec2.TerminateInstancesOutput, error)
	volumesEC2
}

// buildInstance is the build instance as both launch steps (on demand and
// Spot) handle it once EC2 has given its ID: waiting until it runs,
// choosing the address to SSH to, and terminating it with the volumes EC2
// kept. One copy of that logic, whichever way the instance was launched.
type buildInstance struct {
	EC2     buildInstanceEC2
	Region  string
	Polling ec2wait.Options
	// SSHHost (ssh_host) wins over SSHInterface (ssh_interface).
	SSHHost, SSHInterface string
	// Kept are the devices the template marked delete_on_termination =
	// false: their volumes outlive the build.
	Kept map[string]bool

	id       string
	launchAt time.Time
	volumes  map[string]string // device name -> volume ID, of the running instance
	// deletedByEC2: the devices whose volume EC2 deletes with the instance.
	deletedByEC2 map[string]bool
}

// launched remembers the new instance's ID, before any wait, so Cleanup
// terminates it whatever happens next; it is also {{ .ID }} for
// provisioners.
func (b *buildInstance) launched(state multistep.StateBag, id string) {
	b.id, b.launchAt = id, time.Now()
	statePut(state, stateInstanceID, id)
}

// awaitRunning waits until the instance runs and puts it, the volumes the
// template keeps and the address to SSH to into the state.
func (b *buildInstance) awaitRunning(ctx context.Context, state multistep.StateBag) error {
	inst, err := b.waitFor(ctx, state, "running", ec2types.InstanceStateNameRunning)
	if err != nil {
		return err
	}
	statePut(state, stateInstance, inst)
	b.volumes, b.deletedByEC2 = attachedVolumes(inst)
	statePut(state, stateKeptVolumes, b.keptVolumes())
	host := b.SSHHost
	if host == "" {
		if host, err = sshHost(b.SSHInterface, inst); err != nil {
			return err
		}
	}
	if host == "" {
		uiOf(state).Say(fmt.Sprintf("Instance %s is running (SSH goes through a Session Manager tunnel)", b.id))
		return nil
	}
	statePut(state, stateSSHHost, host)
	uiOf(state).Say(fmt.Sprintf("Instance %s is running (address %s)", b.id, host))
	return nil
}

func (b *buildInstance) waitFor(ctx context.Context, state multistep.StateBag, label string, want ec2types.InstanceStateName) (ec2types.Instance, error) {
	return waitInstance(ctx, b.EC2, uiOf(state).Say, b.id, label, want, b.Polling)
}

// terminate terminates the instance, waits until it is gone (its security
// group cannot be deleted before) and deletes any of its volumes EC2 kept.
// What cannot be removed is reported with the command to do it by hand.
func (b *buildInstance) terminate(state multistep.StateBag) {
	if b.id == "" {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	manual := fmt.Sprintf("aws ec2 terminate-instances --region %s --instance-ids %s", b.Region, b.id)
	uiOf(state).Say(fmt.Sprintf("Terminating build instance %s ...", b.id))
	// Right after it was launched, EC2 may not know the instance yet
	// (InvalidInstanceID.NotFound): asked again for as long as that lasts.
	opts := b.Polling
	opts.NotFoundGrace = graceLeft(b.launchAt)
	if err := ec2wait.Delete(ctx, "terminating "+b.id, opts, func(ctx context.Context) error {
		_, err := b.EC2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{b.id}})
		return err
	}); err != nil {
		leftBehind(state, "instance", b.id, manual, err)
		return
	}
	if _, err := b.waitFor(ctx, state, "terminated", ec2types.InstanceStateNameTerminated); ec2wait.IsAccessDenied(err) {
		uiOf(state).Error(fmt.Sprintf("instance %s is terminating, but its end cannot be confirmed: %v", b.id, explainDenied(err)))
	} else if err != nil && !ec2wait.IsNotFound(err) {
		leftBehind(state, "instance", b.id, manual, err)
		return
	}
	b.deleteVolumes(ctx, state, b.EC2)
	b.id = ""
}
