package ami

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// describeImagesEC2 is the one call every image step uses to look an AMI up.
type describeImagesEC2 interface {
	DescribeImages(context.Context, *ec2.DescribeImagesInput, ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error)
}

// deleteImageEC2 is what removing an AMI and its snapshots takes.
type deleteImageEC2 interface {
	describeImagesEC2
	DeregisterImage(context.Context, *ec2.DeregisterImageInput, ...func(*ec2.Options)) (*ec2.DeregisterImageOutput, error)
	DeleteSnapshot(context.Context, *ec2.DeleteSnapshotInput, ...func(*ec2.Options)) (*ec2.DeleteSnapshotOutput, error)
}

// cleanupNotFoundGrace bounds how long Cleanup waits for a just-created
// image to become visible before concluding it is gone.
const cleanupNotFoundGrace = 30 * time.Second

// errImageFailed is returned when EC2 reports an image as failed.
var errImageFailed = errors.New("image creation failed")

// describeImage returns the image with id; NotFound is passed through so
// waiters can treat it as "not visible yet".
func describeImage(ctx context.Context, c describeImagesEC2, id string) (ec2types.Image, error) {
	out, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{id}})
	if err != nil {
		return ec2types.Image{}, err
	}
	for _, img := range out.Images {
		if img.ImageId != nil && *img.ImageId == id {
			return img, nil
		}
	}
	// An empty answer is what EC2 gives for a moment after a create, and
	// for deregistered images: report it as the NotFound it means.
	return ec2types.Image{}, &smithy.GenericAPIError{Code: "InvalidAMIID.NotFound", Message: "image " + id + " not found"}
}

// waitImageAvailable waits until image id in region is available and
// returns it as last described. It polls hardly before EC2 can have made
// the image, and gives up after the image waits' limit
// (ec2wait.LimitImage unless aws_polling, or the caller, sets one).
func waitImageAvailable(ctx context.Context, c describeImagesEC2, say func(string), region, id string, opts ec2wait.Options) (ec2types.Image, error) {
	opts = opts.Expecting(ec2wait.ExpectImage, ec2wait.LimitImage, "image waits (2 hours)")
	var img ec2types.Image
	_, err := ec2wait.For(ctx, say, fmt.Sprintf("AMI %s in %s to become available", id, region), opts,
		func(ctx context.Context) (bool, error) {
			var err error
			img, err = describeImage(ctx, c, id)
			if err != nil {
				return false, err
			}
			switch img.State {
			case ec2types.ImageStateAvailable:
				return true, nil
			case ec2types.ImageStateFailed, ec2types.ImageStateError, ec2types.ImageStateInvalid, ec2types.ImageStateDeregistered:
				return false, fmt.Errorf("%w: %s is %s: %s", errImageFailed, id, img.State, imageStateReason(img))
			}
			return false, nil
		})
	return img, err
}

func imageStateReason(img ec2types.Image) string {
	if img.StateReason != nil && img.StateReason.Message != nil {
		return *img.StateReason.Message
	}
	return "no reason given"
}

// imageSnapshots lists the EBS snapshots an image's block devices use.
func imageSnapshots(img ec2types.Image) []string {
	var ids []string
	for _, m := range img.BlockDeviceMappings {
		if m.Ebs != nil && m.Ebs.SnapshotId != nil {
			ids = append(ids, *m.Ebs.SnapshotId)
		}
	}
	return ids
}

// snapshotInUseGrace bounds retrying DeleteSnapshot after DeregisterImage:
// EC2 answers InvalidSnapshot.InUse for a while (boto/boto#3019).
const snapshotInUseGrace = 5 * time.Minute

// deleteImage deregisters image id and, withSnapshots, deletes its
// snapshots. An image that is already gone is not an error. Snapshots are
// read before the deregistration; afterwards the image can no longer be
// described. EC2 deletes them with the deregistration
// (DeleteAssociatedSnapshots) unless another AMI uses one; any it did not
// delete are deleted here, riding out InvalidSnapshot.InUse.
func deleteImage(ctx context.Context, c deleteImageEC2, id string, withSnapshots bool, opts ec2wait.Options) error {
	var img ec2types.Image
	err := ec2wait.Retry(ctx, "describing "+id, opts, func(ctx context.Context) error {
		var err error
		img, err = describeImage(ctx, c, id)
		return err
	})
	if ec2wait.IsNotFound(err) {
		log.Printf("[DEBUG] image %s already gone", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("describing image %s: %w", id, err)
	}
	var out *ec2.DeregisterImageOutput
	gone := opts
	gone.NotFoundGrace = -1 // it was just described: NotFound now means deregistered
	err = ec2wait.Delete(ctx, "deregistering "+id, gone, func(ctx context.Context) error {
		var err error
		out, err = c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: &id, DeleteAssociatedSnapshots: aws.Bool(withSnapshots)})
		return err
	})
	if err != nil {
		return fmt.Errorf("deregistering image %s: %w", id, err)
	}
	if !withSnapshots {
		return nil
	}
	return deleteSnapshots(ctx, c, id, leftSnapshots(imageSnapshots(img), out), opts)
}

// leftSnapshots are the snapshots DeregisterImage did not delete, other
// than those it skipped because another AMI uses them.
func leftSnapshots(snaps []string, out *ec2.DeregisterImageOutput) []string {
	done := map[string]bool{}
	if out != nil {
		for _, r := range out.DeleteSnapshotResults {
			done[aws.ToString(r.SnapshotId)] = r.ReturnCode == ec2types.SnapshotReturnCodesSuccess ||
				r.ReturnCode == ec2types.SnapshotReturnCodesWarnSkipped
		}
	}
	var left []string
	for _, s := range snaps {
		if !done[s] {
			left = append(left, s)
		}
	}
	return left
}

// deleteSnapshots deletes the snapshots of a deregistered image.
func deleteSnapshots(ctx context.Context, c deleteImageEC2, image string, snaps []string, opts ec2wait.Options) error {
	opts.NotFoundGrace, opts.Tolerate = snapshotInUseGrace, ec2wait.Codes("InvalidSnapshot.InUse")
	var errs []error
	for _, snap := range snaps {
		err := ec2wait.Retry(ctx, "deleting snapshot "+snap, opts, func(ctx context.Context) error {
			_, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: &snap})
			if ec2wait.IsNotFound(err) {
				return nil // gone: snapshots are never "not visible yet"
			}
			return err
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("deleting snapshot %s of image %s: %w", snap, image, err))
		}
	}
	return errors.Join(errs...)
}
