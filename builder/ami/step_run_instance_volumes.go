package ami

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// volumeReleaseTimeout bounds waiting for a terminated instance's volume
// to be released (in-use, then available) or deleted by EC2 itself.
const volumeReleaseTimeout = 3 * time.Minute

type volumesEC2 interface {
	DescribeVolumes(context.Context, *ec2.DescribeVolumesInput, ...func(*ec2.Options)) (*ec2.DescribeVolumesOutput, error)
	DeleteVolume(context.Context, *ec2.DeleteVolumeInput, ...func(*ec2.Options)) (*ec2.DeleteVolumeOutput, error)
}

// attachedVolumes maps the instance's device names to their EBS volumes,
// and says which of them EC2 deletes itself when the instance terminates
// (DeleteOnTermination on the running instance's mapping).
func attachedVolumes(inst ec2types.Instance) (vols map[string]string, deletedByEC2 map[string]bool) {
	vols, deletedByEC2 = map[string]string{}, map[string]bool{}
	for _, m := range inst.BlockDeviceMappings {
		if m.Ebs != nil && m.Ebs.VolumeId != nil {
			dev := aws.ToString(m.DeviceName)
			vols[dev] = aws.ToString(m.Ebs.VolumeId)
			deletedByEC2[dev] = aws.ToBool(m.Ebs.DeleteOnTermination)
		}
	}
	return vols, deletedByEC2
}

// keptDevices are the devices the template marked delete_on_termination =
// false: their volumes are meant to outlive the build.
func (l LaunchSpec) keptDevices() map[string]bool {
	kept := map[string]bool{}
	for _, b := range l.BlockDevices {
		if b.DeleteOnTermination != nil && !*b.DeleteOnTermination {
			kept[b.DeviceName] = true
		}
	}
	return kept
}

// keptVolumes are the instance's volumes on kept devices.
func (b *buildInstance) keptVolumes() []string {
	var ids []string
	for dev := range b.Kept {
		if id, ok := b.volumes[dev]; ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// deleteVolumes removes what the terminated instance's volumes left: those
// EC2 kept because the source AMI's own mapping says
// delete_on_termination = false (the others EC2 deletes itself). Volumes the template marked so are kept
// and named. A volume is deleted only once it is available (a terminated
// instance releases its volumes a moment later); one EC2 deleted itself is
// done. What cannot be deleted is reported with the exact command.
func (b *buildInstance) deleteVolumes(ctx context.Context, state multistep.StateBag, c volumesEC2) {
	for _, dev := range slices.Sorted(maps.Keys(b.volumes)) {
		id := b.volumes[dev]
		if b.Kept[dev] {
			uiOf(state).Say(fmt.Sprintf("Keeping volume %s (%s): delete_on_termination = false", id, dev))
			continue
		}
		if b.deletedByEC2[dev] {
			continue // no need to wait for EC2 to release it
		}
		if err := deleteReleasedVolume(ctx, c, id, b.Polling); err != nil {
			leftBehind(state, "volume", id, fmt.Sprintf("aws ec2 delete-volume --region %s --volume-id %s", b.Region, id), err)
		}
	}
}

// deleteReleasedVolume waits until volume id is available or gone, then
// deletes it if it is still there.
func deleteReleasedVolume(ctx context.Context, c volumesEC2, id string, opts ec2wait.Options) error {
	opts.Timeout, opts.NotFoundGrace = volumeReleaseTimeout, -1
	gone := false
	_, err := ec2wait.For(ctx, nil, "volume "+id+" to be released", opts, func(ctx context.Context) (bool, error) {
		out, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{id}})
		if ec2wait.IsNotFound(err) || (err == nil && len(out.Volumes) == 0) {
			gone = true
			return true, nil
		}
		if err != nil {
			return false, err
		}
		st := out.Volumes[0].State
		gone = st == ec2types.VolumeStateDeleted
		return gone || st == ec2types.VolumeStateAvailable, nil
	})
	if err != nil || gone {
		return err
	}
	return ec2wait.Delete(ctx, "deleting volume "+id, opts, func(ctx context.Context) error {
		_, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(id)})
		return err
	})
}
