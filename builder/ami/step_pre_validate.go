package ami

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// regionCheckAttempts bounds the first call of a build, the region check.
const regionCheckAttempts = 3

type preValidateEC2 interface {
	DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
	describeImagesEC2
}

// StepPreValidate fails fast, before anything is created, on a region EC2
// does not know (build region or ami_regions) and on an AMI name already
// taken in the build region or any ami_regions region: CopyImage would
// otherwise fail there only after the instance was built and imaged
// (unless force_deregister will remove the old images, or no image is
// made, or the reuse step checks the name once it knows whether an image
// is reused). Uses: nothing. Puts: nothing.
type StepPreValidate struct {
	EC2             preValidateEC2
	Region          string
	AMIName         string
	ForceDeregister bool
	SkipCreateAMI   bool
	// SkipRegionCheck (skip_region_validation) skips DescribeRegions;
	// SkipBuildRegionName (skip_save_build_region) the name check in the
	// build region, where the AMI is not kept.
	SkipRegionCheck     bool
	SkipBuildRegionName bool
	// NameCheckedLater: StepReuseImage checks the name when it builds anew
	// (an image it reuses may well have the name).
	NameCheckedLater bool
	// CopyRegions are the ami_regions other than Region; Clients reaches them.
	CopyRegions []string
	Clients     clientFor[describeImagesEC2]
}

func (s *StepPreValidate) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	regions := strings.Join(append([]string{s.Region}, s.CopyRegions...), ", ")
	uiOf(state).Say(fmt.Sprintf("Checking regions (%s) and AMI name %q ...", regions, s.AMIName))
	if s.SkipRegionCheck {
		uiOf(state).Say("skip_region_validation: not asking EC2 whether the regions exist")
	} else if err := s.checkRegion(ctx); ec2wait.IsAccessDenied(err) {
		skipCheck(state, "region "+s.Region, err)
	} else if err != nil {
		return halt(state, err)
	}
	if s.ForceDeregister || s.SkipCreateAMI || s.NameCheckedLater {
		return multistep.ActionContinue
	}
	checked := append([]string{s.Region}, s.CopyRegions...)
	if s.SkipBuildRegionName {
		checked = s.CopyRegions
	}
	for _, region := range checked {
		if err := s.checkName(ctx, region); err != nil {
			return halt(state, err)
		}
	}
	return multistep.ActionContinue
}

func (s *StepPreValidate) checkRegion(ctx context.Context) error {
	// Few attempts: a misspelt region's endpoint does not exist (no such
	// host), and retrying that for minutes helps nobody.
	out, err := s.EC2.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)},
		func(o *ec2.Options) { o.RetryMaxAttempts = regionCheckAttempts })
	if ec2wait.IsAccessDenied(err) {
		return err
	}
	if err != nil {
		return fmt.Errorf("cannot reach EC2 in region %q (is region spelled right, and are credentials set?): %w", s.Region, err)
	}
	var names []string
	for _, r := range out.Regions {
		name := aws.ToString(r.RegionName)
		if name == s.Region && aws.ToString(r.OptInStatus) == "not-opted-in" {
			return fmt.Errorf("region %q is not enabled for this account: enable it (AWS console, Account, AWS Regions) or choose another region", s.Region)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if !slices.Contains(names, s.Region) {
		return fmt.Errorf("region %q is not an EC2 region; set region to one of: %s", s.Region, strings.Join(names, ", "))
	}
	for _, r := range s.CopyRegions {
		if !slices.Contains(names, r) {
			return fmt.Errorf("ami_regions entry %q is not an EC2 region; use any of: %s", r, strings.Join(names, ", "))
		}
	}
	return nil
}

// checkName fails when this account already has an AMI named AMIName in
// region.
func (s *StepPreValidate) checkName(ctx context.Context, region string) error {
	var c describeImagesEC2 = s.EC2
	if region != s.Region {
		var err error
		if c, err = s.Clients(ctx, region); err != nil {
			return err
		}
	}
	return checkNameFree(ctx, c, s.AMIName, region, region == s.Region)
}

// checkNameFree fails when this account already has an AMI named name in
// region (the build region, or an ami_regions region a copy goes to).
func checkNameFree(ctx context.Context, c describeImagesEC2, name, region string, buildRegion bool) error {
	id, err := imageNamed(ctx, c, name)
	if err != nil {
		return fmt.Errorf("checking whether AMI name %q is free in %s: %w", name, region, err)
	}
	if id == "" {
		return nil
	}
	if buildRegion {
		return fmt.Errorf("an AMI named %q already exists in the build region %s (%s): choose another ami_name "+
			"(e.g. with a timestamp) or set force_deregister = true to replace it", name, region, id)
	}
	return fmt.Errorf("an AMI named %q already exists in ami_regions region %s (%s), so copying there would fail: "+
		"choose another ami_name (e.g. with a timestamp), drop %s from ami_regions, or set force_deregister = true "+
		"to replace it in every region", name, region, id, region)
}

// imageNamed is the ID of this account's AMI named name, or "".
func imageNamed(ctx context.Context, c describeImagesEC2, name string) (string, error) {
	out, err := c.DescribeImages(ctx, nameTaken(name))
	if err != nil || len(out.Images) == 0 {
		return "", err
	}
	return aws.ToString(out.Images[0].ImageId), nil
}

func (s *StepPreValidate) Cleanup(multistep.StateBag) {}

// nameTaken asks for this account's AMIs named name, deprecated and
// disabled ones too: they still hold the name (an owner sees deprecated
// AMIs anyway; disabled ones only when asked). Another account's public
// AMI of that name does not stop the build.
func nameTaken(name string) *ec2.DescribeImagesInput {
	return &ec2.DescribeImagesInput{
		Owners:            []string{"self"},
		Filters:           []ec2types.Filter{{Name: aws.String("name"), Values: []string{name}}},
		IncludeDeprecated: aws.Bool(true),
		IncludeDisabled:   aws.Bool(true),
	}
}
