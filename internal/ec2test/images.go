package ec2test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// SeedAMI is an image of localcloud/amis.json (Canonical's Ubuntu jammy),
// present in every region of a moto this package started.
const SeedAMI = "ami-0a1b2c3d4e5f60001"

// Image makes an available image named name in c's region from source,
// the way a build does (an instance, then CreateImage), and tags the image
// and its snapshots with tags, as the builder's tag step does. It returns
// the image's ID and its snapshots.
func Image(t testing.TB, c *ec2.Client, source, name string, tags map[string]string) (string, []string) {
	t.Helper()
	ctx := context.Background()
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(source), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		InstanceType: ec2types.InstanceTypeT3Micro})
	if err != nil {
		t.Fatalf("launching an instance from %s: %v", source, err)
	}
	instance := aws.ToString(run.Instances[0].InstanceId)
	img, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: aws.String(instance), Name: aws.String(name)})
	if err != nil {
		t.Fatalf("creating image %s: %v", name, err)
	}
	if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{instance}}); err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(img.ImageId)
	return id, TagImage(t, c, id, tags)
}

// CopyImage copies image id from region src into c's region and tags the
// copy and its snapshots like the original, as a build's ami_regions do.
func CopyImage(t testing.TB, c *ec2.Client, src, id, name string, tags map[string]string) (string, []string) {
	t.Helper()
	out, err := c.CopyImage(context.Background(), &ec2.CopyImageInput{SourceImageId: aws.String(id), SourceRegion: aws.String(src), Name: aws.String(name)})
	if err != nil {
		t.Fatalf("copying %s from %s: %v", id, src, err)
	}
	cp := aws.ToString(out.ImageId)
	return cp, TagImage(t, c, cp, tags)
}

// TagImage tags an image and its snapshots and returns the snapshots.
func TagImage(t testing.TB, c *ec2.Client, id string, tags map[string]string) []string {
	t.Helper()
	snaps := Snapshots(t, c, id)
	if len(tags) == 0 {
		return snaps
	}
	var list []ec2types.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		list = append(list, ec2types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	if _, err := c.CreateTags(context.Background(), &ec2.CreateTagsInput{Resources: append([]string{id}, snaps...), Tags: list}); err != nil {
		t.Fatalf("tagging %s: %v", id, err)
	}
	return snaps
}

// Snapshots lists the snapshots of image id.
func Snapshots(t testing.TB, c *ec2.Client, id string) []string {
	t.Helper()
	out, err := c.DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{id}})
	if err != nil || len(out.Images) != 1 {
		t.Fatalf("describing %s: %v", id, err)
	}
	var snaps []string
	for _, m := range out.Images[0].BlockDeviceMappings {
		if m.Ebs != nil && m.Ebs.SnapshotId != nil {
			snaps = append(snaps, *m.Ebs.SnapshotId)
		}
	}
	return snaps
}

// BrokenImages lists the account's registered images in c's region that
// lack a snapshot they name: an image that cannot launch.
func BrokenImages(t testing.TB, c *ec2.Client) []string {
	t.Helper()
	ctx := context.Background()
	imgs, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}})
	if err != nil {
		t.Fatal(err)
	}
	snaps, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, s := range snaps.Snapshots {
		have[aws.ToString(s.SnapshotId)] = true
	}
	var broken []string
	for _, img := range imgs.Images {
		for _, m := range img.BlockDeviceMappings {
			if m.Ebs != nil && m.Ebs.SnapshotId != nil && !have[*m.Ebs.SnapshotId] {
				broken = append(broken, aws.ToString(img.ImageId)+" lacks "+*m.Ebs.SnapshotId)
			}
		}
	}
	return broken
}
