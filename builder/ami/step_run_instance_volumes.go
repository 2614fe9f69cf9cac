package ami

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type deleteVolumeEC2 interface {
	DeleteVolume(context.Context, *ec2.DeleteVolumeInput, ...func(*ec2.Options)) (*ec2.DeleteVolumeOutput, error)
}

// attachedVolumes lists the EBS volumes of the instance.
func attachedVolumes(inst ec2types.Instance) []string {
	var ids []string
	for _, m := range inst.BlockDeviceMappings {
		if m.Ebs != nil && m.Ebs.VolumeId != nil {
			ids = append(ids, aws.ToString(m.Ebs.VolumeId))
		}
	}
	return ids
}

// deleteVolumes removes the terminated instance's volumes that EC2 kept
// (delete_on_termination = false in the template or in the source AMI's
// own mapping): the build's volumes never outlive it. Already deleted ones
// are fine; what cannot be deleted is reported with the exact command.
func deleteVolumes(ctx context.Context, state multistep.StateBag, c deleteVolumeEC2, region string, ids []string) {
	for _, id := range ids {
		_, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(id)})
		if err != nil && !ec2wait.IsNotFound(err) {
			leftBehind(state, "volume", id, fmt.Sprintf("aws ec2 delete-volume --region %s --volume-id %s", region, id), err)
		}
	}
}
