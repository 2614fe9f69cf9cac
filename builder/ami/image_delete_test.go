package ami

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// inUseEC2 is an EC2 that ignores DeleteAssociatedSnapshots (as EC2 did
// before it had it) and refuses the snapshot of the image it just
// deregistered, inUse times (InvalidSnapshot.InUse, boto/boto#3019).
type inUseEC2 struct {
	fakeImageEC2
	inUse, tries int
	asked        *bool
}

func (f *inUseEC2) DeregisterImage(ctx context.Context, in *ec2.DeregisterImageInput, o ...func(*ec2.Options)) (*ec2.DeregisterImageOutput, error) {
	f.asked = in.DeleteAssociatedSnapshots
	return f.fakeImageEC2.DeregisterImage(ctx, in, o...)
}

func (f *inUseEC2) DeleteSnapshot(ctx context.Context, in *ec2.DeleteSnapshotInput, o ...func(*ec2.Options)) (*ec2.DeleteSnapshotOutput, error) {
	if f.tries++; f.tries <= f.inUse {
		return nil, &smithy.GenericAPIError{Code: "InvalidSnapshot.InUse", Message: "in use by ami-1"}
	}
	return f.fakeImageEC2.DeleteSnapshot(ctx, in, o...)
}

// TestDeleteImageAsksEC2ToDeleteSnapshotsAndRidesOutInUse: the image is
// deregistered with DeleteAssociatedSnapshots; a snapshot EC2 did not
// delete is deleted here, despite InUse for a while.
func TestDeleteImageAsksEC2ToDeleteSnapshotsAndRidesOutInUse(t *testing.T) {
	f := &inUseEC2{fakeImageEC2: fakeImageEC2{state: ec2types.ImageStateAvailable}, inUse: 3}
	if err := deleteImage(context.Background(), f, "ami-1", true, fastPolling); err != nil {
		t.Fatalf("deleteImage: %v", err)
	}
	if !aws.ToBool(f.asked) || len(f.deleted) != 1 || f.tries != 4 {
		t.Errorf("DeleteAssociatedSnapshots %v, deleted %v after %d tries; want asked, snap-1 after 4", aws.ToBool(f.asked), f.deleted, f.tries)
	}
	f = &inUseEC2{fakeImageEC2: fakeImageEC2{state: ec2types.ImageStateAvailable}, inUse: 1 << 30}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := deleteImage(ctx, f, "ami-1", true, fastPolling); err == nil {
		t.Errorf("a snapshot in use for good was reported deleted")
	}
}
