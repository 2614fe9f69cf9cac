//go:generate go tool packer-sdc mapstructure-to-hcl2 -type BlockDevice
//go:generate go tool packer-sdc struct-markdown

package ami

import (
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// BlockDevice is one entry of ami_block_device_mappings (volumes recorded
// in the image) or launch_block_device_mappings (volumes of the build
// instance). Names follow amazon-ebs.
type BlockDevice struct {
	// The device name exposed to the instance, for example `/dev/sda1` or
	// `/dev/xvdb`. Required.
	DeviceName string `mapstructure:"device_name" required:"true"`
	// The size of the volume in GiB. Required unless snapshot_id is set.
	VolumeSize int64 `mapstructure:"volume_size" required:"false"`
	// The volume type: gp2, gp3, io1, io2, st1, sc1 or standard.
	VolumeType string `mapstructure:"volume_type" required:"false"`
	// Provisioned IOPS; only for gp3 (3000 to 80000, at most 500 per GiB),
	// io1 (100 to 64000, 50 per GiB) and io2 (100 to 256000, 1000 per GiB);
	// required for io1 and io2.
	IOPS int32 `mapstructure:"iops" required:"false"`
	// Throughput in MiB/s (125 to 2000); only for gp3.
	Throughput int32 `mapstructure:"throughput" required:"false"`
	// Whether the volume is encrypted. Unset leaves the account default.
	Encrypted *bool `mapstructure:"encrypted" required:"false"`
	// The KMS key that encrypts the volume; needs encrypted = true.
	KmsKeyID string `mapstructure:"kms_key_id" required:"false"`
	// Whether the volume is deleted when the instance terminates. Default
	// true (amazon-ebs defaults to false), so no volume outlives the build
	// or an instance launched from the image.
	DeleteOnTermination *bool `mapstructure:"delete_on_termination" required:"false"`
	// The snapshot to create the volume from.
	SnapshotID string `mapstructure:"snapshot_id" required:"false"`
	// The virtual device name (ephemeral0 ...) for an instance store volume.
	VirtualName string `mapstructure:"virtual_name" required:"false"`
	// Suppress this device from the image's or instance's mapping.
	NoDevice bool `mapstructure:"no_device" required:"false"`
}

var volumeTypes = []string{"gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"}

// Prepare validates one mapping; attr names the list (with index) for errors.
func (b *BlockDevice) Prepare(attr string) []error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf(attr+": "+format, a...))
	}
	if b.DeviceName == "" {
		bad("device_name is required, for example \"/dev/sda1\"")
	}
	if b.VolumeType != "" && !slices.Contains(volumeTypes, b.VolumeType) {
		bad("volume_type %q is not one of %v", b.VolumeType, volumeTypes)
	}
	b.limitErrors(bad)
	if b.KmsKeyID != "" && (b.Encrypted == nil || !*b.Encrypted) {
		bad("kms_key_id needs encrypted = true")
	}
	if b.VolumeSize < 0 {
		bad("volume_size must be a positive number of GiB")
	}
	if b.DeleteOnTermination == nil {
		b.DeleteOnTermination = aws.Bool(true)
	}
	return errs
}

// BuildBlockDeviceMappings turns the mappings into EC2's form.
func BuildBlockDeviceMappings(devices []BlockDevice) []ec2types.BlockDeviceMapping {
	var out []ec2types.BlockDeviceMapping
	for _, b := range devices {
		m := ec2types.BlockDeviceMapping{DeviceName: aws.String(b.DeviceName)}
		switch {
		case b.NoDevice:
			m.NoDevice = aws.String("")
		case b.VirtualName != "":
			m.VirtualName = aws.String(b.VirtualName)
		default:
			m.Ebs = b.ebs()
		}
		out = append(out, m)
	}
	return out
}

func (b BlockDevice) ebs() *ec2types.EbsBlockDevice {
	e := &ec2types.EbsBlockDevice{
		DeleteOnTermination: aws.Bool(b.DeleteOnTermination == nil || *b.DeleteOnTermination),
		Encrypted:           b.Encrypted,
	}
	if b.VolumeSize > 0 {
		e.VolumeSize = aws.Int32(int32(b.VolumeSize))
	}
	if b.VolumeType != "" {
		e.VolumeType = ec2types.VolumeType(b.VolumeType)
	}
	if b.IOPS != 0 {
		e.Iops = aws.Int32(b.IOPS)
	}
	if b.Throughput != 0 {
		e.Throughput = aws.Int32(b.Throughput)
	}
	if b.KmsKeyID != "" {
		e.KmsKeyId = aws.String(b.KmsKeyID)
	}
	if b.SnapshotID != "" {
		e.SnapshotId = aws.String(b.SnapshotID)
	}
	return e
}
