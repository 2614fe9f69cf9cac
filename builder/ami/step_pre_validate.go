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
)

// regionCheckAttempts bounds the first call of a build, the region check.
const regionCheckAttempts = 3

type preValidateEC2 interface {
	DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
	DescribeImages(context.Context, *ec2.DescribeImagesInput, ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error)
}

// StepPreValidate fails fast, before anything is created, on a region EC2
// does not know and on an AMI name that is already taken (unless
// force_deregister will remove the old image, or no image is made).
// Uses: nothing. Puts: nothing.
type StepPreValidate struct {
	EC2             preValidateEC2
	Region          string
	AMIName         string
	ForceDeregister bool
	SkipCreateAMI   bool
}

func (s *StepPreValidate) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	uiOf(state).Say(fmt.Sprintf("Checking region %s and AMI name %q ...", s.Region, s.AMIName))
	if err := s.checkRegion(ctx); isAccessDenied(err) {
		skipCheck(state, "region "+s.Region, err)
	} else if err != nil {
		return halt(state, err)
	}
	if s.ForceDeregister || s.SkipCreateAMI {
		return multistep.ActionContinue
	}
	if err := s.checkName(ctx); err != nil {
		return halt(state, err)
	}
	return multistep.ActionContinue
}

func (s *StepPreValidate) checkRegion(ctx context.Context) error {
	// Few attempts: a misspelt region's endpoint does not exist (no such
	// host), and retrying that for minutes helps nobody.
	out, err := s.EC2.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)},
		func(o *ec2.Options) { o.RetryMaxAttempts = regionCheckAttempts })
	if isAccessDenied(err) {
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
	if !slices.Contains(names, s.Region) {
		slices.Sort(names)
		return fmt.Errorf("region %q is not an EC2 region; set region to one of: %s", s.Region, strings.Join(names, ", "))
	}
	return nil
}

func (s *StepPreValidate) checkName(ctx context.Context) error {
	out, err := s.EC2.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners:  []string{"self"},
		Filters: []ec2types.Filter{{Name: aws.String("name"), Values: []string{s.AMIName}}},
	})
	if err != nil {
		return fmt.Errorf("checking whether AMI name %q is free: %w", s.AMIName, err)
	}
	if len(out.Images) > 0 {
		return fmt.Errorf("an AMI named %q already exists in %s (%s): choose another ami_name "+
			"(e.g. with a timestamp) or set force_deregister = true to replace it",
			s.AMIName, s.Region, aws.ToString(out.Images[0].ImageId))
	}
	return nil
}

func (s *StepPreValidate) Cleanup(multistep.StateBag) {}
