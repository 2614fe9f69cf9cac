package ami

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// barrierImages is one region's images: DeregisterImage returns only
// once every region has called it (or fails after a while), so removing
// the regions one after another fails.
type barrierImages struct {
	region   string
	arrived  *sync.WaitGroup
	all      chan struct{}
	failSnap bool
}

func (f *barrierImages) DescribeImages(_ context.Context, in *ec2.DescribeImagesInput, _ ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	img := ec2types.Image{ImageId: aws.String(in.ImageIds[0]), State: ec2types.ImageStateAvailable,
		BlockDeviceMappings: []ec2types.BlockDeviceMapping{{Ebs: &ec2types.EbsBlockDevice{SnapshotId: aws.String("snap-" + f.region)}}}}
	return &ec2.DescribeImagesOutput{Images: []ec2types.Image{img}}, nil
}

func (f *barrierImages) DeregisterImage(context.Context, *ec2.DeregisterImageInput, ...func(*ec2.Options)) (*ec2.DeregisterImageOutput, error) {
	f.arrived.Done()
	select {
	case <-f.all:
		return &ec2.DeregisterImageOutput{}, nil
	case <-time.After(5 * time.Second):
		return nil, errors.New("the other regions' deletions did not start meanwhile")
	}
}

func (f *barrierImages) DeleteSnapshot(context.Context, *ec2.DeleteSnapshotInput, ...func(*ec2.Options)) (*ec2.DeleteSnapshotOutput, error) {
	if f.failSnap {
		return nil, errors.New("injected: snapshot in use")
	}
	return &ec2.DeleteSnapshotOutput{}, nil
}

// TestRemoveImagesDeletesTheRegionsAtOnce: a failed build's images in
// several regions are deleted at the same time, and what could not be
// deleted is still named with its command, in region order, after the
// others' lines.
func TestRemoveImagesDeletesTheRegionsAtOnce(t *testing.T) {
	images := map[string]string{"us-east-1": "ami-1", "eu-west-1": "ami-2", "us-west-2": "ami-3"}
	var arrived sync.WaitGroup
	arrived.Add(len(images))
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	clients := func(_ context.Context, region string) (deleteImageEC2, error) {
		return &barrierImages{region: region, arrived: &arrived, all: all, failSnap: region != "us-east-1"}, nil
	}
	var out bytes.Buffer
	removeImages(testState(&out), clients, images, fastPolling)
	text := out.String()
	if strings.Contains(text, "did not start meanwhile") {
		t.Fatalf("the regions were deleted one after another:\n%s", text)
	}
	west2, west1 := strings.Index(text, "--region us-west-2 --image-id ami-3"), strings.Index(text, "--region eu-west-1 --image-id ami-2")
	if west1 < 0 || west2 < west1 || strings.Contains(text, "ami-1 (then") {
		t.Errorf("want the delete-by-hand commands of eu-west-1 then us-west-2 only:\n%s", text)
	}
	if last := strings.LastIndex(text, "Deregistering AMI"); last > west1 {
		t.Errorf("a progress line came after the delete-by-hand lines:\n%s", text)
	}
}

// TestArtifactDestroyDeletesTheRegionsAtOnceButNotTheReused: Packer's
// destroying the artifact (a post-processor failed) deletes this build's
// images in all regions at the same time, and never touches a reused one.
func TestArtifactDestroyDeletesTheRegionsAtOnceButNotTheReused(t *testing.T) {
	var arrived sync.WaitGroup
	arrived.Add(2)
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	var mu sync.Mutex
	var touched []string
	a := &Artifact{Amis: map[string]string{"us-east-1": "ami-1", "eu-west-1": "ami-2", "us-west-2": "ami-3"},
		Reused: map[string]string{"us-east-1": "ami-1"},
		Clients: func(_ context.Context, region string) (deleteImageEC2, error) {
			mu.Lock()
			defer mu.Unlock()
			touched = append(touched, region)
			return &barrierImages{region: region, arrived: &arrived, all: all}, nil
		}}
	if err := a.Destroy(); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	if slices.Sort(touched); !slices.Equal(touched, []string{"eu-west-1", "us-west-2"}) {
		t.Errorf("Destroy worked in %v, want eu-west-1 and us-west-2 (us-east-1's image is reused)", touched)
	}
}
