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

type modifyImageEC2 interface {
	describeImagesEC2
	ModifyImageAttribute(context.Context, *ec2.ModifyImageAttributeInput, ...func(*ec2.Options)) (*ec2.ModifyImageAttributeOutput, error)
	EnableImageDeprecation(context.Context, *ec2.EnableImageDeprecationInput, ...func(*ec2.Options)) (*ec2.EnableImageDeprecationOutput, error)
}

// StepModifyImage sets the attributes CreateImage cannot: imds_support,
// launch permissions (ami_users, ami_groups, ami_org_arns, ami_ou_arns),
// ami_product_codes and deprecate_at, on the AMI in every region. Nothing
// to undo: the images themselves are removed by the steps that made them.
// Uses: stateAMIs, stateImages.
type StepModifyImage struct {
	Clients      clientFor[modifyImageEC2]
	IMDSSupport  string // "v2.0" or "none"
	Sharing      ImageSharingConfig
	DeprecateAt  string // RFC 3339, validated by Prepare
	ProductCodes []string
	Polling      ec2wait.Options
}

func (s *StepModifyImage) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	amis, _ := stateGet[map[string]string](state, stateAMIs)
	for _, region := range slices.Sorted(maps.Keys(amis)) {
		if err := s.modify(ctx, state, region, amis[region]); err != nil {
			return halt(state, err)
		}
	}
	return multistep.ActionContinue
}

func (s *StepModifyImage) modify(ctx context.Context, state multistep.StateBag, region, id string) error {
	c, err := s.Clients(ctx, region)
	if err != nil {
		return err
	}
	retry := func(what string, call func(context.Context) error) error {
		if err := ec2wait.Retry(ctx, what, s.Polling, call); err != nil {
			return fmt.Errorf("%s of AMI %s in %s: %w", what, id, region, err)
		}
		return nil
	}
	if s.IMDSSupport == "v2.0" {
		known, _ := stateGet[map[string]ec2types.Image](state, stateImages)
		if err := retry("setting imds_support", func(ctx context.Context) error { return s.requireIMDSv2(ctx, c, id, known[region]) }); err != nil {
			return err
		}
	}
	if perm := launchPermission(s.Sharing); perm != nil {
		uiOf(state).Say(fmt.Sprintf("Sharing AMI %s in %s (ami_users %v, ami_groups %v, ami_org_arns %v, ami_ou_arns %v) ...",
			id, region, s.Sharing.AMIUsers, s.Sharing.AMIGroups, s.Sharing.AMIOrgArns, s.Sharing.AMIOuArns))
		if err := retry("setting launch permissions", func(ctx context.Context) error {
			_, err := c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: &id, LaunchPermission: perm})
			return err
		}); err != nil {
			return err
		}
	}
	if len(s.ProductCodes) > 0 {
		uiOf(state).Say(fmt.Sprintf("Attaching product codes %v to AMI %s in %s ...", s.ProductCodes, id, region))
		if err := retry("attaching ami_product_codes", func(ctx context.Context) error {
			_, err := c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: &id, ProductCodes: s.ProductCodes})
			return err
		}); err != nil {
			return err
		}
	}
	if s.DeprecateAt == "" {
		return nil
	}
	at, _ := time.Parse(time.RFC3339, s.DeprecateAt)
	return retry("setting deprecate_at", func(ctx context.Context) error {
		_, err := c.EnableImageDeprecation(ctx, &ec2.EnableImageDeprecationInput{ImageId: &id, DeprecateAt: &at})
		return err
	})
}

// requireIMDSv2 sets ImdsSupport v2.0 unless the image has it already (a
// copy may inherit it, and EC2 refuses to change it once set), as known
// (the image as its wait last described it) or else described now.
func (s *StepModifyImage) requireIMDSv2(ctx context.Context, c modifyImageEC2, id string, known ec2types.Image) error {
	img := known
	if aws.ToString(img.ImageId) != id {
		var err error
		if img, err = describeImage(ctx, c, id); err != nil {
			return err
		}
	}
	if img.ImdsSupport == ec2types.ImdsSupportValuesV20 {
		return nil
	}
	_, err := c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{
		ImageId: &id, ImdsSupport: &ec2types.AttributeValue{Value: aws.String("v2.0")},
	})
	return err
}

// launchPermission is the permission change sharing the image, or nil.
func launchPermission(sh ImageSharingConfig) *ec2types.LaunchPermissionModifications {
	var add []ec2types.LaunchPermission
	for _, u := range sh.AMIUsers {
		add = append(add, ec2types.LaunchPermission{UserId: aws.String(u)})
	}
	for _, g := range sh.AMIGroups {
		add = append(add, ec2types.LaunchPermission{Group: ec2types.PermissionGroup(g)})
	}
	for _, o := range sh.AMIOrgArns {
		add = append(add, ec2types.LaunchPermission{OrganizationArn: aws.String(o)})
	}
	for _, o := range sh.AMIOuArns {
		add = append(add, ec2types.LaunchPermission{OrganizationalUnitArn: aws.String(o)})
	}
	if len(add) == 0 {
		return nil
	}
	return &ec2types.LaunchPermissionModifications{Add: add}
}

func (s *StepModifyImage) Cleanup(multistep.StateBag) {}
