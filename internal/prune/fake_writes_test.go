package prune

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

func (c *fakeRegion) CreateTags(_ context.Context, in *ec2.CreateTagsInput, _ ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if err := c.call("CreateTags", in.Resources[0]); err != nil {
		return nil, err
	}
	for _, id := range in.Resources {
		s := c.f.snapshots[c.region][id]
		if s == nil {
			return nil, notFound("InvalidSnapshot.NotFound", id)
		}
		for _, t := range in.Tags {
			s.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return &ec2.CreateTagsOutput{}, nil
}

func (c *fakeRegion) DeleteTags(_ context.Context, in *ec2.DeleteTagsInput, _ ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if err := c.call("DeleteTags", in.Resources[0]); err != nil {
		return nil, err
	}
	for _, id := range in.Resources {
		for _, t := range in.Tags {
			delete(c.f.snapshots[c.region][id].tags, aws.ToString(t.Key))
		}
	}
	return &ec2.DeleteTagsOutput{}, nil
}

func (c *fakeRegion) DeregisterImage(_ context.Context, in *ec2.DeregisterImageInput, _ ...func(*ec2.Options)) (*ec2.DeregisterImageOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	id := aws.ToString(in.ImageId)
	if err := c.call("DeregisterImage", id); err != nil {
		return nil, err
	}
	if c.f.images[c.region][id] == nil {
		return nil, notFound("InvalidAMIID.NotFound", id)
	}
	delete(c.f.images[c.region], id)
	return &ec2.DeregisterImageOutput{}, nil
}

// DeleteSnapshot refuses, as EC2 does, a snapshot a registered image uses.
func (c *fakeRegion) DeleteSnapshot(_ context.Context, in *ec2.DeleteSnapshotInput, _ ...func(*ec2.Options)) (*ec2.DeleteSnapshotOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	id := aws.ToString(in.SnapshotId)
	if err := c.call("DeleteSnapshot", id); err != nil {
		return nil, err
	}
	if c.f.snapshots[c.region][id] == nil {
		return nil, notFound("InvalidSnapshot.NotFound", id)
	}
	for img, i := range c.f.images[c.region] {
		if c.f.lax {
			break
		}
		for _, s := range i.snaps {
			if s == id {
				return nil, notFound("InvalidSnapshot.InUse", id+" is in use by "+img)
			}
		}
	}
	delete(c.f.snapshots[c.region], id)
	return &ec2.DeleteSnapshotOutput{}, nil
}

// broken lists registered images that lack a snapshot: what an
// interrupted prune must never leave.
func (f *fakeCloud) broken() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for region, images := range f.images {
		for id, img := range images {
			for _, s := range img.snaps {
				if f.snapshots[region][s] == nil {
					out = append(out, region+"/"+id+" lacks "+s)
				}
			}
		}
	}
	return out
}
