//go:build acc

package ec2test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func tagged(tags []types.Tag, key, value string) bool {
	for _, t := range tags {
		if aws.ToString(t.Key) == key && aws.ToString(t.Value) == value {
			return true
		}
	}
	return false
}

func snapshotTags(t *testing.T, c *ec2.Client, id string) []types.Tag {
	t.Helper()
	out, err := c.DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{SnapshotIds: []string{id}})
	if err != nil || len(out.Snapshots) != 1 {
		t.Fatalf("snapshot %s: %v", id, err)
	}
	return out.Snapshots[0].Tags
}

// TestProxyBehavesLikeEC2WhereMotoDoesNot: client tokens, one AMI per
// name, tags on snapshots at creation, DeregisterImage deleting associated
// snapshots.
func TestProxyBehavesLikeEC2WhereMotoDoesNot(t *testing.T) {
	m := Start(t)
	p := StartProxy(t, m)
	p.SetFaults(Faults{})
	c := proxyClient(p)
	ctx := context.Background()
	in := &ec2.RunInstancesInput{ImageId: aws.String(seedImage(t, c)), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ClientToken: aws.String("once")}
	a, errA := c.RunInstances(ctx, in)
	b, errB := c.RunInstances(ctx, in)
	if errA != nil || errB != nil || *a.Instances[0].InstanceId != *b.Instances[0].InstanceId {
		t.Fatalf("RunInstances twice with one client token: %v %v", errA, errB)
	}
	id := a.Instances[0].InstanceId
	spec := func(rt types.ResourceType, v string) types.TagSpecification {
		return types.TagSpecification{ResourceType: rt, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String(v)}}}
	}
	img, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: id, Name: aws.String("one"),
		TagSpecifications: []types.TagSpecification{spec(types.ResourceTypeImage, "image"), spec(types.ResourceTypeSnapshot, "snap")}})
	if err != nil {
		t.Fatalf("CreateImage with snapshot tags: %v", err)
	}
	if _, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: id, Name: aws.String("one")}); errCode(err) != "InvalidAMIName.Duplicate" {
		t.Errorf("second image named one: %v, want InvalidAMIName.Duplicate", err)
	}
	got, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{*img.ImageId}})
	if err != nil {
		t.Fatal(err)
	}
	snap := *got.Images[0].BlockDeviceMappings[0].Ebs.SnapshotId
	if !tagged(got.Images[0].Tags, "k", "image") || !tagged(snapshotTags(t, c, snap), "k", "snap") {
		t.Errorf("tags at creation: image %v, snapshot %v", got.Images[0].Tags, snapshotTags(t, c, snap))
	}
	cp, err := c.CopyImage(ctx, &ec2.CopyImageInput{SourceImageId: img.ImageId, SourceRegion: aws.String(DefaultRegion), Name: aws.String("copy"),
		TagSpecifications: []types.TagSpecification{spec(types.ResourceTypeImage, "copy"), spec(types.ResourceTypeSnapshot, "copysnap")}})
	if err != nil {
		t.Fatal(err)
	}
	cpImg, _ := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{*cp.ImageId}})
	if !tagged(cpImg.Images[0].Tags, "k", "copy") || !tagged(snapshotTags(t, c, *cpImg.Images[0].BlockDeviceMappings[0].Ebs.SnapshotId), "k", "copysnap") {
		t.Errorf("CopyImage's tags were not applied: %v", cpImg.Images[0].Tags)
	}
	dereg, err := c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: img.ImageId, DeleteAssociatedSnapshots: aws.Bool(true)})
	if err != nil || len(dereg.DeleteSnapshotResults) != 1 || aws.ToString(dereg.DeleteSnapshotResults[0].SnapshotId) != snap ||
		dereg.DeleteSnapshotResults[0].ReturnCode != types.SnapshotReturnCodesSuccess {
		t.Fatalf("DeregisterImage with DeleteAssociatedSnapshots: %+v %v", dereg, err)
	}
	if _, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{snap}}); errCode(err) != "InvalidSnapshot.NotFound" {
		t.Errorf("the deregistered image's snapshot is still there: %v", err)
	}
}

// TestProxyHidesDeprecatedAndDisabledImages as EC2 does for non-owners.
func TestProxyHidesDeprecatedAndDisabledImages(t *testing.T) {
	m := Start(t)
	p := StartProxy(t, m)
	p.SetFaults(Faults{})
	c := proxyClient(p)
	ctx := context.Background()
	seed := seedImage(t, c)
	list := func(in ec2.DescribeImagesInput) []types.Image {
		out, err := c.DescribeImages(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		for _, img := range out.Images {
			if *img.ImageId == seed {
				return []types.Image{img}
			}
		}
		return nil
	}
	canonical := ec2.DescribeImagesInput{Owners: []string{"099720109477"}}
	p.Deprecate(seed, time.Now().Add(-time.Hour))
	if got := list(canonical); len(got) != 0 {
		t.Errorf("deprecated image listed without IncludeDeprecated")
	}
	withDep := canonical
	withDep.IncludeDeprecated = aws.Bool(true)
	if got := list(withDep); len(got) != 1 || aws.ToString(got[0].DeprecationTime) == "" {
		t.Errorf("IncludeDeprecated: %+v", got)
	}
	if got := list(ec2.DescribeImagesInput{ImageIds: []string{seed}}); len(got) != 1 {
		t.Errorf("a deprecated image asked for by ID is not listed")
	}
	p.Disable(seed)
	if got := list(withDep); len(got) != 0 {
		t.Errorf("disabled image listed without IncludeDisabled")
	}
	withDep.IncludeDisabled = aws.Bool(true)
	if got := list(withDep); len(got) != 1 || got[0].State != types.ImageStateDisabled {
		t.Errorf("IncludeDisabled: %+v", got)
	}
}

// TestProxyFailsForGoodAndLosesAnswers: a permanent error per action, and
// a create carried out whose answer is lost (the SDK's retry with the same
// client token gets the first answer: one instance, not two).
func TestProxyFailsForGoodAndLosesAnswers(t *testing.T) {
	m := Start(t)
	p := StartProxy(t, m)
	ctx := context.Background()
	p.SetFaults(Faults{Fail: map[string]string{"CreateKeyPair": "UnauthorizedOperation"}, LoseAnswer: map[string]int{"RunInstances": 1}})
	c := proxyClient(p)
	if _, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("k")}); errCode(err) != "UnauthorizedOperation" {
		t.Errorf("CreateKeyPair: %v, want UnauthorizedOperation", err)
	}
	retrying := ec2.New(c.Options(), func(o *ec2.Options) { o.RetryMaxAttempts = 3 })
	out, err := retrying.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(seedImage(t, c)), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatalf("RunInstances after a lost answer: %v", err)
	}
	all, _ := m.EC2(t, DefaultRegion).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if n := len(all.Reservations); n != 1 || *all.Reservations[0].Instances[0].InstanceId != *out.Instances[0].InstanceId {
		t.Errorf("%d reservations after one lost answer, want the one returned", n)
	}
	if n := len(p.Requests("RunInstances")); n != 2 {
		t.Errorf("%d RunInstances calls, want 2 (lost, then replayed)", n)
	}
}
