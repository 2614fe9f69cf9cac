package ami

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// chooseImage picks the one image a lookup means: the only match, or with
// most_recent the newest by creation date, ties broken by the greater name
// (Canonical names end in the build date).
func chooseImage(images []ec2types.Image, f AMIFilter) (ec2types.Image, error) {
	switch {
	case len(images) == 0:
		return ec2types.Image{}, fmt.Errorf("no image matched source_ami_filter (filters %v, owners %v): "+
			"check the name pattern and owners, and that the image exists in this region", f.Filters, f.Owners)
	case len(images) == 1:
		return images[0], nil
	case !f.MostRecent:
		return ec2types.Image{}, fmt.Errorf("source_ami_filter matched %d images (e.g. %s, %s): "+
			"set most_recent = true or narrow the filters", len(images),
			aws.ToString(images[0].ImageId), aws.ToString(images[1].ImageId))
	}
	return slices.MaxFunc(images, func(a, b ec2types.Image) int {
		if c := strings.Compare(aws.ToString(a.CreationDate), aws.ToString(b.CreationDate)); c != 0 {
			return c
		}
		return strings.Compare(aws.ToString(a.Name), aws.ToString(b.Name))
	}), nil
}

// compatible reports why an instance type cannot boot an image, if it cannot.
func compatible(img ec2types.Image, it ec2types.InstanceTypeInfo, attr string) error {
	id, typ := aws.ToString(img.ImageId), string(it.InstanceType)
	if it.ProcessorInfo != nil && len(it.ProcessorInfo.SupportedArchitectures) > 0 {
		arch := ec2types.ArchitectureType(img.Architecture)
		if !slices.Contains(it.ProcessorInfo.SupportedArchitectures, arch) {
			return fmt.Errorf("source AMI %s is %s but %s %s runs %v: choose a matching %s or source image",
				id, img.Architecture, attr, typ, it.ProcessorInfo.SupportedArchitectures, attr)
		}
	}
	if len(it.SupportedVirtualizationTypes) > 0 && img.VirtualizationType != "" {
		virt := ec2types.VirtualizationType(img.VirtualizationType)
		if !slices.Contains(it.SupportedVirtualizationTypes, virt) {
			return fmt.Errorf("source AMI %s uses %s virtualization but %s %s supports only %v: choose an hvm image or another %s",
				id, img.VirtualizationType, attr, typ, it.SupportedVirtualizationTypes, attr)
		}
	}
	return nil
}
