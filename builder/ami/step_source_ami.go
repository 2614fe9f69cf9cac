package ami

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/packerbuilderdata"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type sourceAMIEC2 interface {
	DescribeImages(context.Context, *ec2.DescribeImagesInput, ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error)
	DescribeInstanceTypes(context.Context, *ec2.DescribeInstanceTypesInput, ...func(*ec2.Options)) (*ec2.DescribeInstanceTypesOutput, error)
}

// StepSourceAMI finds the image the build starts from (source_ami, the
// image an SSM parameter named, source_ami_filter, or source_ami pinned
// within the filter) and checks that instance_type can run it and that it
// has the virtualization type the image must have. Uses: stateSourceAMIID.
// Puts: stateSourceImage and the generated data SourceAMI, SourceAMIName,
// SourceAMIOwner, SourceAMICreationDate.
type StepSourceAMI struct {
	EC2       sourceAMIEC2
	SourceAMI string
	Filter    AMIFilter
	// Types are instance_type, or a Spot build's spot_instance_types: EC2
	// may pick any, so each must boot the image.
	Types InstanceTypes
	// VirtType is ami_virtualization_type; EnhancedNetworking says
	// ena_support or sriov_support asks for it (needs hvm).
	VirtType           string
	EnhancedNetworking bool
}

func (s *StepSourceAMI) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	id := s.SourceAMI
	if resolved, ok := stateGet[string](state, stateSourceAMIID); ok {
		id = resolved // source_ami named an SSM parameter
	}
	img, err := s.find(ctx, id)
	if err != nil {
		return halt(state, err)
	}
	uiOf(state).Say(fmt.Sprintf("Source AMI: %s (%s)", aws.ToString(img.ImageId), aws.ToString(img.Name)))
	if err := s.checkVirtualization(img); err != nil {
		return halt(state, err)
	}
	if err := s.checkInstanceType(ctx, img); ec2wait.IsAccessDenied(err) {
		skipCheck(state, s.Types.Attr+" against the source AMI", err)
	} else if err != nil {
		return halt(state, err)
	}
	statePut(state, stateSourceImage, img)
	gd := packerbuilderdata.GeneratedData{State: state}
	gd.Put("SourceAMI", aws.ToString(img.ImageId))
	gd.Put("SourceAMIName", aws.ToString(img.Name))
	gd.Put("SourceAMIOwner", aws.ToString(img.OwnerId))
	gd.Put("SourceAMICreationDate", aws.ToString(img.CreationDate))
	return multistep.ActionContinue
}

func (s *StepSourceAMI) find(ctx context.Context, id string) (ec2types.Image, error) {
	in := &ec2.DescribeImagesInput{Owners: s.Filter.Owners, Filters: ec2Filters(s.Filter.Filters),
		IncludeDeprecated: aws.Bool(s.Filter.IncludeDeprecated)}
	if id != "" {
		in.ImageIds = []string{id}
	}
	out, err := s.EC2.DescribeImages(ctx, in)
	if err != nil {
		if id != "" {
			return ec2types.Image{}, fmt.Errorf("source_ami %s: %w", id, err)
		}
		return ec2types.Image{}, fmt.Errorf("looking up source_ami_filter: %w", err)
	}
	if id != "" && len(out.Images) == 0 {
		if !s.Filter.Empty() {
			return ec2types.Image{}, fmt.Errorf("source_ami %s does not match source_ami_filter (filters %v, owners %v), "+
				"or does not exist in this region: fix the pin or the filter", id, s.Filter.Filters, s.Filter.Owners)
		}
		return ec2types.Image{}, fmt.Errorf("source_ami %s does not exist in this region or is not shared with this account", id)
	}
	return chooseImage(out.Images, s.Filter)
}

// checkInstanceType refuses an image an instance type cannot boot (arm64
// image on an x86_64 type, paravirtual on a Nitro type …): with
// spot_instance_types, EC2 may pick any of them.
func (s *StepSourceAMI) checkInstanceType(ctx context.Context, img ec2types.Image) error {
	in := &ec2.DescribeInstanceTypesInput{}
	for _, n := range s.Types.Names {
		in.InstanceTypes = append(in.InstanceTypes, ec2types.InstanceType(n))
	}
	out, err := s.EC2.DescribeInstanceTypes(ctx, in)
	if ec2wait.IsAccessDenied(err) {
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: %w", s.Types, err)
	}
	infos := map[string]ec2types.InstanceTypeInfo{}
	for _, it := range out.InstanceTypes {
		infos[string(it.InstanceType)] = it
	}
	var errs []error
	for _, n := range s.Types.Names {
		it, ok := infos[n]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: %q is not offered in this region", s.Types.Attr, n))
			continue
		}
		if err := compatible(img, it, s.Types.Attr); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkVirtualization refuses a source image the AMI cannot be made from:
// an EBS image inherits its virtualization type, and enhanced networking
// needs hvm.
func (s *StepSourceAMI) checkVirtualization(img ec2types.Image) error {
	got := string(img.VirtualizationType)
	if s.VirtType != "" && got != "" && got != s.VirtType {
		return fmt.Errorf("ami_virtualization_type is %q but source AMI %s is %s, and the image inherits it: "+
			"choose a %s source image or drop ami_virtualization_type", s.VirtType, aws.ToString(img.ImageId), got, s.VirtType)
	}
	if s.EnhancedNetworking && got != "" && got != string(ec2types.VirtualizationTypeHvm) {
		return fmt.Errorf("ena_support and sriov_support need an hvm image, and source AMI %s is %s", aws.ToString(img.ImageId), got)
	}
	return nil
}

func (s *StepSourceAMI) Cleanup(multistep.StateBag) {}
