package prune

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtest"
)

// fakeImage and fakeSnapshot are what the fake EC2 holds.
type fakeImage struct {
	name, state string
	created     time.Time
	tags        map[string]string
	snaps       []string
}

type fakeSnapshot struct {
	gib  int32
	tags map[string]string
}

// fakeCloud is EC2 in several regions, in memory, with a call log and a
// hook that can fail any call (as a killed process would stop there).
type fakeCloud struct {
	mu        sync.Mutex
	images    map[string]map[string]*fakeImage    // region -> ID -> image
	snapshots map[string]map[string]*fakeSnapshot // region -> ID -> snapshot
	instances map[string]map[string]string        // region -> instance -> image
	calls     []string                            // "Action region target"
	fail      func(call string) error
	ssm       map[string]*ssmtest.Fake
	// lax lets a snapshot of a registered image be deleted, as moto does
	// (EC2 refuses it as InvalidSnapshot.InUse): then only prune's own
	// order keeps images whole.
	lax bool
}

func newFakeCloud() *fakeCloud {
	return &fakeCloud{images: map[string]map[string]*fakeImage{}, snapshots: map[string]map[string]*fakeSnapshot{},
		instances: map[string]map[string]string{}, ssm: map[string]*ssmtest.Fake{}}
}

func (f *fakeCloud) cloud(regions ...string) Cloud {
	return Cloud{
		EC2: func(_ context.Context, r string) (EC2, error) { return &fakeRegion{f, r}, nil },
		SSM: func(_ context.Context, r string) (ssmchannel.Reader, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.ssm[r] == nil {
				f.ssm[r] = ssmtest.New()
			}
			return f.ssm[r], nil
		},
		Regions: func(context.Context) ([]string, error) { return regions, nil },
	}
}

var imageCounter int

// addImage registers an image with one snapshot per size given.
func (f *fakeCloud) addImage(region, name string, created time.Time, tags map[string]string, gibs ...int32) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	imageCounter++
	id := fmt.Sprintf("ami-%017x", imageCounter)
	img := &fakeImage{name: name, state: "available", created: created, tags: maps.Clone(tags)}
	for i, g := range gibs {
		snap := fmt.Sprintf("snap-%017x", imageCounter*10+i)
		img.snaps = append(img.snaps, snap)
		if f.snapshots[region] == nil {
			f.snapshots[region] = map[string]*fakeSnapshot{}
		}
		f.snapshots[region][snap] = &fakeSnapshot{gib: g, tags: maps.Clone(tags)}
	}
	if f.images[region] == nil {
		f.images[region] = map[string]*fakeImage{}
	}
	f.images[region][id] = img
	return id
}

// fakeRegion is the fake's EC2 client for one region.
type fakeRegion struct {
	f      *fakeCloud
	region string
}

func notFound(code, id string) error {
	return &smithy.GenericAPIError{Code: code, Message: id + " not found"}
}

// call logs a call and lets the hook fail it, before it takes effect.
func (c *fakeRegion) call(action, target string) error {
	call := action + " " + c.region + " " + target
	c.f.calls = append(c.f.calls, call)
	if c.f.fail != nil {
		return c.f.fail(call)
	}
	return nil
}

func ec2TagList(m map[string]string) []ec2types.Tag {
	var out []ec2types.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func (c *fakeRegion) DescribeImages(_ context.Context, in *ec2.DescribeImagesInput, _ ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if err := c.call("DescribeImages", ""); err != nil {
		return nil, err
	}
	out := &ec2.DescribeImagesOutput{}
	for _, id := range slices.Sorted(maps.Keys(c.f.images[c.region])) {
		img := c.f.images[c.region][id]
		e := ec2types.Image{ImageId: aws.String(id), Name: aws.String(img.name), State: ec2types.ImageState(img.state),
			CreationDate: aws.String(img.created.UTC().Format("2006-01-02T15:04:05.000Z")), Tags: ec2TagList(img.tags)}
		for _, s := range img.snaps {
			e.BlockDeviceMappings = append(e.BlockDeviceMappings, ec2types.BlockDeviceMapping{
				Ebs: &ec2types.EbsBlockDevice{SnapshotId: aws.String(s), VolumeSize: aws.Int32(8)}})
		}
		out.Images = append(out.Images, e)
	}
	return out, nil
}

func (c *fakeRegion) DescribeInstances(_ context.Context, in *ec2.DescribeInstancesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if err := c.call("DescribeInstances", ""); err != nil {
		return nil, err
	}
	r := ec2types.Reservation{}
	for id, img := range c.f.instances[c.region] {
		r.Instances = append(r.Instances, ec2types.Instance{InstanceId: aws.String(id), ImageId: aws.String(img),
			State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameStopped}})
	}
	return &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{r}}, nil
}

func (c *fakeRegion) DescribeSnapshots(_ context.Context, in *ec2.DescribeSnapshotsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSnapshotsOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if err := c.call("DescribeSnapshots", ""); err != nil {
		return nil, err
	}
	out := &ec2.DescribeSnapshotsOutput{}
	for _, id := range slices.Sorted(maps.Keys(c.f.snapshots[c.region])) {
		s := c.f.snapshots[c.region][id]
		if len(s.tags) > 0 {
			out.Snapshots = append(out.Snapshots, ec2types.Snapshot{SnapshotId: aws.String(id), VolumeSize: aws.Int32(s.gib), Tags: ec2TagList(s.tags)})
		}
	}
	return out, nil
}
