package prune

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
)

// inventory is what prune found in one region.
type inventory struct {
	region string
	ours   []Image
	// users maps a snapshot to every registered image of the account
	// that uses it (ours or not): a snapshot still used stays.
	users map[string][]string
	// registered holds every registered image of the account.
	registered map[string]bool
	// inUse maps an image to the instances using it, e.g. "i-1 (stopped)".
	inUse map[string][]string
	// snapshots are this account's snapshots that carry our tags: their
	// size, and the image a pruning mark names.
	snapshots map[string]ec2types.Snapshot
	// sizes are snapshot sizes (GiB) from the images' block devices, for
	// snapshots that carry no tag of ours.
	sizes map[string]float64
}

// instanceStates are the states of an instance that still uses its image
// (terminated is the only one that does not).
var instanceStates = []string{"pending", "running", "shutting-down", "stopping", "stopped"}

func takeInventory(ctx context.Context, c EC2, region string) (*inventory, error) {
	inv := &inventory{region: region, users: map[string][]string{}, registered: map[string]bool{},
		inUse: map[string][]string{}, snapshots: map[string]ec2types.Snapshot{}, sizes: map[string]float64{}}
	if err := inv.listImages(ctx, c); err != nil {
		return nil, fmt.Errorf("listing this account's images in %s: %w", region, err)
	}
	if err := inv.listInstances(ctx, c); err != nil {
		return nil, fmt.Errorf("listing instances in %s: %w", region, err)
	}
	if err := inv.listSnapshots(ctx, c); err != nil {
		return nil, fmt.Errorf("listing snapshots in %s: %w", region, err)
	}
	return inv, nil
}

// listImages lists every image the account owns, deprecated and disabled
// ones included (they still hold snapshots).
func (inv *inventory) listImages(ctx context.Context, c EC2) error {
	in := &ec2.DescribeImagesInput{Owners: []string{"self"}, IncludeDeprecated: aws.Bool(true), IncludeDisabled: aws.Bool(true)}
	for {
		out, err := c.DescribeImages(ctx, in)
		if err != nil {
			return err
		}
		for _, img := range out.Images {
			inv.addImage(img)
		}
		if aws.ToString(out.NextToken) == "" {
			return nil
		}
		in.NextToken = out.NextToken
	}
}

func (inv *inventory) addImage(img ec2types.Image) {
	id := aws.ToString(img.ImageId)
	inv.registered[id] = true
	var snaps []string
	for _, m := range img.BlockDeviceMappings {
		if m.Ebs == nil || m.Ebs.SnapshotId == nil {
			continue
		}
		snap := *m.Ebs.SnapshotId
		snaps = append(snaps, snap)
		inv.users[snap] = append(inv.users[snap], id)
		inv.sizes[snap] = float64(aws.ToInt32(m.Ebs.VolumeSize))
	}
	tags := map[string]string{}
	for _, t := range img.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	if !lineage.Ours(tags) {
		return
	}
	created, _ := time.Parse(time.RFC3339, aws.ToString(img.CreationDate))
	inv.ours = append(inv.ours, Image{Region: inv.region, ID: id, Name: aws.ToString(img.Name), State: string(img.State),
		Created: created, Tags: tags, Snapshots: snaps})
}

func (inv *inventory) listInstances(ctx context.Context, c EC2) error {
	in := &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: instanceStates}}}
	for {
		out, err := c.DescribeInstances(ctx, in)
		if err != nil {
			return err
		}
		for _, r := range out.Reservations {
			for _, i := range r.Instances {
				state := ""
				if i.State != nil {
					state = string(i.State.Name)
				}
				img := aws.ToString(i.ImageId)
				inv.inUse[img] = append(inv.inUse[img], fmt.Sprintf("%s (%s)", aws.ToString(i.InstanceId), state))
			}
		}
		if aws.ToString(out.NextToken) == "" {
			return nil
		}
		in.NextToken = out.NextToken
	}
}

// listSnapshots lists the account's snapshots that carry the build UUID
// (the builder tags every image's snapshots with it) or a pruning mark.
func (inv *inventory) listSnapshots(ctx context.Context, c EC2) error {
	in := &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"},
		Filters: []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{lineage.BuildUUID, lineage.Pruning}}}}
	for {
		out, err := c.DescribeSnapshots(ctx, in)
		if err != nil {
			return err
		}
		for _, s := range out.Snapshots {
			inv.snapshots[aws.ToString(s.SnapshotId)] = s
		}
		if aws.ToString(out.NextToken) == "" {
			return nil
		}
		in.NextToken = out.NextToken
	}
}

// size is a snapshot's size in GiB: the full size of the blocks it holds
// when EC2 reports it, else its volume's size (an upper bound).
func (inv *inventory) size(snap string) float64 {
	if s, ok := inv.snapshots[snap]; ok {
		if b := aws.ToInt64(s.FullSnapshotSizeInBytes); b > 0 {
			return float64(b) / (1 << 30)
		}
		return float64(aws.ToInt32(s.VolumeSize))
	}
	return inv.sizes[snap]
}

// mark is the image a snapshot's pruning mark names ("" for none).
func (inv *inventory) mark(snap string) string {
	for _, t := range inv.snapshots[snap].Tags {
		if aws.ToString(t.Key) == lineage.Pruning {
			return aws.ToString(t.Value)
		}
	}
	return ""
}
