package prune

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
)

// snapshotInUseFor bounds how long a snapshot of an image just deregistered
// may be refused as in use (EC2 releases it a moment after DeregisterImage).
const snapshotInUseFor = 5 * time.Minute

// Apply does what the plan says, telling say about each deletion: every
// pruned image (snapshots marked, image deregistered, snapshots deleted),
// then the orphans of an earlier prune, then the marks of images that
// stay. A failure on one image does not stop the others; all are
// returned.
func (p *Plan) Apply(ctx context.Context, cloud Cloud, say func(string)) error {
	var errs []error
	for _, d := range p.Decisions {
		if d.Prune() {
			errs = append(errs, withClient(ctx, cloud, d.Region, func(c EC2) error { return pruneImage(ctx, c, d, say) }))
		}
	}
	for _, o := range p.Orphans {
		errs = append(errs, withClient(ctx, cloud, o.Region, func(c EC2) error {
			say(fmt.Sprintf("Deleting snapshot %s in %s, left by an interrupted prune of %s", o.ID, o.Region, o.Image))
			return deleteSnapshot(ctx, c, o.ID)
		}))
	}
	for _, u := range p.Unmark {
		errs = append(errs, withClient(ctx, cloud, u.Region, func(c EC2) error {
			_, err := c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{u.ID}, Tags: []ec2types.Tag{{Key: aws.String(lineage.Pruning)}}})
			return wrap(err, "removing the pruning mark of snapshot %s of %s (which stays) in %s", u.ID, u.Image, u.Region)
		}))
	}
	return errors.Join(errs...)
}

func withClient(ctx context.Context, cloud Cloud, region string, f func(EC2) error) error {
	c, err := cloud.EC2(ctx, region)
	if err != nil {
		return err
	}
	return f(c)
}

// pruneImage removes one image: its snapshots are marked with its ID, then
// it is deregistered, then the snapshots are deleted. Killed after any of
// these calls, what is left is either a registered image with all its
// snapshots, or marked snapshots of an image that is gone.
func pruneImage(ctx context.Context, c EC2, d *Decision, say func(string)) error {
	var snaps []string
	for _, s := range d.Delete {
		snaps = append(snaps, s.ID)
	}
	if len(snaps) > 0 {
		_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: snaps,
			Tags: []ec2types.Tag{{Key: aws.String(lineage.Pruning), Value: aws.String(d.ID)}}})
		if err != nil {
			return wrap(err, "marking the snapshots %v of %s in %s before deregistering it (nothing was deleted)", snaps, d.ID, d.Region)
		}
	}
	_, err := c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(d.ID)})
	if err != nil && !ec2wait.IsNotFound(err) {
		return wrap(err, "deregistering %s (%s) in %s", d.ID, d.Name, d.Region)
	}
	say(fmt.Sprintf("Deregistered %s (%s) in %s", d.ID, d.Name, d.Region))
	for _, snap := range snaps {
		if err := deleteSnapshot(ctx, c, snap); err != nil {
			return wrap(err, "deleting snapshot %s of %s in %s (the next prune deletes it: it carries the %s mark)", snap, d.ID, d.Region, lineage.Pruning)
		}
		say(fmt.Sprintf("Deleted snapshot %s of %s in %s", snap, d.ID, d.Region))
	}
	return nil
}

// deleteSnapshot deletes a snapshot, waiting while EC2 still calls it in
// use by the image deregistered a moment ago. A snapshot already gone is
// not an error.
func deleteSnapshot(ctx context.Context, c EC2, id string) error {
	opts := ec2wait.Options{Timeout: snapshotInUseFor, NotFoundGrace: -1}
	_, err := ec2wait.For(ctx, nil, "snapshot "+id+" to be released", opts, func(ctx context.Context) (bool, error) {
		_, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(id)})
		switch {
		case err == nil || ec2wait.IsNotFound(err):
			return true, nil
		case ec2wait.Code(err) == "InvalidSnapshot.InUse":
			return false, nil
		}
		return false, err
	})
	return err
}

func wrap(err error, format string, a ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(a, err)...)
}
