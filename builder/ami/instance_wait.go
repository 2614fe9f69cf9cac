package ami

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// describeInstanceEC2 is the one call waitInstance needs.
type describeInstanceEC2 interface {
	DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
}

// waitInstance waits until instance id is in state want, treating a
// just-created ID that is not yet visible as "not yet". It polls hardly
// before EC2 can have made the change, and gives up after the instance
// waits' limit (ec2wait.LimitInstance unless aws_polling sets one).
func waitInstance(ctx context.Context, c describeInstanceEC2, say func(string), id, label string,
	want ec2types.InstanceStateName, opts ec2wait.Options) (ec2types.Instance, error) {
	opts = opts.Expecting(expectState[want], ec2wait.LimitInstance, "instance waits (10 minutes)")
	var inst ec2types.Instance
	_, err := ec2wait.For(ctx, say, fmt.Sprintf("instance %s to be %s", id, label), opts, func(ctx context.Context) (bool, error) {
		out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
		if err != nil {
			return false, err
		}
		if len(out.Reservations) == 0 || len(out.Reservations[0].Instances) == 0 {
			return false, nil
		}
		inst = out.Reservations[0].Instances[0]
		if inst.State == nil {
			return false, nil
		}
		got := inst.State.Name
		if want != ec2types.InstanceStateNameTerminated && got == ec2types.InstanceStateNameTerminated {
			return false, fmt.Errorf("instance %s terminated unexpectedly (%s)", id, stateReason(inst))
		}
		return got == want, nil
	})
	return inst, err
}

// expectState is how long EC2 takes at least to reach each state; the
// cleanup's wait for termination polls from the start (0): only the
// temporary group's deletion waits on it.
var expectState = map[ec2types.InstanceStateName]time.Duration{
	ec2types.InstanceStateNameRunning: ec2wait.ExpectRunning,
	ec2types.InstanceStateNameStopped: ec2wait.ExpectStopped,
}

// stateReason is EC2's explanation of an instance's last state change.
func stateReason(inst ec2types.Instance) string {
	if inst.StateReason == nil {
		return "no reason given"
	}
	return aws.ToString(inst.StateReason.Message)
}
