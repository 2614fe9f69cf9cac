package ami

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// fakeImageEC2 makes ami-1 with snapshot snap-1 in the given state.
type fakeImageEC2 struct {
	state        ec2types.ImageState
	deregistered []string
	deleted      []string
}

func (f *fakeImageEC2) CreateImage(context.Context, *ec2.CreateImageInput, ...func(*ec2.Options)) (*ec2.CreateImageOutput, error) {
	return &ec2.CreateImageOutput{ImageId: aws.String("ami-1")}, nil
}

func (f *fakeImageEC2) CopyImage(context.Context, *ec2.CopyImageInput, ...func(*ec2.Options)) (*ec2.CopyImageOutput, error) {
	return nil, errors.New("not used")
}

func (f *fakeImageEC2) DescribeImages(context.Context, *ec2.DescribeImagesInput, ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	return &ec2.DescribeImagesOutput{Images: []ec2types.Image{{ImageId: aws.String("ami-1"), State: f.state,
		BlockDeviceMappings: []ec2types.BlockDeviceMapping{{Ebs: &ec2types.EbsBlockDevice{SnapshotId: aws.String("snap-1")}}}}}}, nil
}

func (f *fakeImageEC2) DeregisterImage(_ context.Context, in *ec2.DeregisterImageInput, _ ...func(*ec2.Options)) (*ec2.DeregisterImageOutput, error) {
	f.deregistered = append(f.deregistered, *in.ImageId)
	return &ec2.DeregisterImageOutput{}, nil
}

func (f *fakeImageEC2) DeleteSnapshot(_ context.Context, in *ec2.DeleteSnapshotInput, _ ...func(*ec2.Options)) (*ec2.DeleteSnapshotOutput, error) {
	f.deleted = append(f.deleted, *in.SnapshotId)
	return &ec2.DeleteSnapshotOutput{}, nil
}

// TestStepCreateImageCleanup: an image whose wait timed out is removed with
// its snapshot; a finished build keeps its image.
func TestStepCreateImageCleanup(t *testing.T) {
	for _, tc := range []struct {
		state   ec2types.ImageState
		removed bool
	}{{ec2types.ImageStatePending, true}, {ec2types.ImageStateAvailable, false}} {
		fake := &fakeImageEC2{state: tc.state}
		s := &StepCreateImage{EC2: fake, Region: "us-east-1", Name: "web", Polling: ec2wait.Options{MaxAttempts: 2, MinDelay: 1, MaxDelay: 1}}
		state := new(multistep.BasicStateBag)
		statePut(state, stateUI, packersdk.Ui(&packersdk.MockUi{}))
		(&multistep.BasicRunner{Steps: []multistep.Step{s}}).Run(context.Background(), state)
		if removed := len(fake.deregistered) == 1 && len(fake.deleted) == 1 && fake.deleted[0] == "snap-1"; removed != tc.removed {
			t.Errorf("image %s: deregistered %v deleted %v, want removed=%v", tc.state, fake.deregistered, fake.deleted, tc.removed)
		}
	}
}
