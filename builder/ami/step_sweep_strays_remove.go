package ami

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// Each remover deletes one stray, riding out throttling and EC2's
// refusals right after a change, as the steps' own Cleanups do.

func (w *sweeper) terminate(ctx context.Context, id string) error {
	err := ec2wait.Delete(ctx, "terminating "+id, w.opts, func(ctx context.Context) error {
		_, err := w.c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
		return err
	})
	if err != nil {
		return err
	}
	opts := w.opts
	opts.Timeout = strayTerminateTimeout
	_, err = waitInstance(ctx, w.c, nil, id, "terminated", ec2types.InstanceStateNameTerminated, opts)
	return err
}

func (w *sweeper) deregister(ctx context.Context, id string) error {
	return deleteImage(ctx, w.c, id, true, w.opts)
}

func (w *sweeper) deleteSnapshot(ctx context.Context, id string) error {
	return deleteSnapshots(ctx, w.c, "(none)", []string{id}, w.opts)
}

func (w *sweeper) deleteVolume(ctx context.Context, id string) error {
	return deleteReleasedVolume(ctx, w.c, id, w.opts)
}

func (w *sweeper) deleteKeyPair(ctx context.Context, name string) error {
	return ec2wait.Delete(ctx, "deleting key pair "+name, ec2wait.Options{NotFoundGrace: -1}, func(ctx context.Context) error {
		_, err := w.c.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String(name)})
		return err
	})
}

func (w *sweeper) deleteGroup(ctx context.Context, id string) error {
	opts := w.opts
	opts.Timeout, opts.NotFoundGrace, opts.TolerateFor = sgDeleteTimeout, -1, -1
	opts.Tolerate = ec2wait.Codes("DependencyViolation") // an instance still holds it
	return ec2wait.Delete(ctx, "deleting security group "+id, opts, func(ctx context.Context) error {
		_, err := w.c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
		return err
	})
}
