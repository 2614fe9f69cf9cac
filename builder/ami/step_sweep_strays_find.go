package ami

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// strayTerminateTimeout bounds waiting for a stray instance to terminate
// (its group and volumes are removed after it).
const strayTerminateTimeout = 5 * time.Minute

func (w *sweeper) filter() []ec2types.Filter {
	return []ec2types.Filter{{Name: aws.String("tag:" + BuildIDTagKey), Values: []string{w.tag}}}
}

// Each finder maps the strays' IDs to a word on what they are.

func (w *sweeper) instances(ctx context.Context) (map[string]string, error) {
	found := map[string]string{}
	p := ec2.NewDescribeInstancesPaginator(w.c, &ec2.DescribeInstancesInput{Filters: append(w.filter(), ec2types.Filter{
		Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped"}})})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range out.Reservations {
			for _, i := range r.Instances {
				found[aws.ToString(i.InstanceId)] = string(i.State.Name)
			}
		}
	}
	return found, nil
}

func (w *sweeper) images(ctx context.Context) (map[string]string, error) {
	out, err := w.c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}, Filters: w.filter(),
		IncludeDeprecated: aws.Bool(true), IncludeDisabled: aws.Bool(true)})
	if err != nil {
		return nil, err
	}
	found := map[string]string{}
	for _, img := range out.Images {
		id := aws.ToString(img.ImageId)
		if w.keep[id] {
			for _, snap := range imageSnapshots(img) {
				w.keep[snap] = true
			}
			continue
		}
		found[id] = aws.ToString(img.Name)
		w.snapshotsOf[id] = imageSnapshots(img)
	}
	return found, nil
}

func (w *sweeper) snapshots(ctx context.Context) (map[string]string, error) {
	out, err := w.c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, Filters: w.filter()})
	if err != nil {
		return nil, err
	}
	found := map[string]string{}
	for _, s := range out.Snapshots {
		if id := aws.ToString(s.SnapshotId); !w.keep[id] {
			found[id] = aws.ToString(s.Description)
		}
	}
	return found, nil
}

func (w *sweeper) volumes(ctx context.Context) (map[string]string, error) {
	out, err := w.c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: w.filter()})
	if err != nil {
		return nil, err
	}
	found := map[string]string{}
	for _, v := range out.Volumes {
		if id := aws.ToString(v.VolumeId); !w.keep[id] && v.State != ec2types.VolumeStateDeleted {
			found[id] = string(v.State)
		}
	}
	return found, nil
}

func (w *sweeper) keyPairs(ctx context.Context) (map[string]string, error) {
	out, err := w.c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{Filters: w.filter()})
	if err != nil {
		return nil, err
	}
	found := map[string]string{}
	for _, k := range out.KeyPairs {
		found[aws.ToString(k.KeyName)] = aws.ToString(k.KeyPairId)
	}
	return found, nil
}

func (w *sweeper) groups(ctx context.Context) (map[string]string, error) {
	out, err := w.c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: w.filter()})
	if err != nil {
		return nil, err
	}
	found := map[string]string{}
	for _, g := range out.SecurityGroups {
		found[aws.ToString(g.GroupId)] = aws.ToString(g.GroupName)
	}
	return found, nil
}
