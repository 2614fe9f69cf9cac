package ami

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

type fakeRegions struct {
	regions []ec2types.Region
	images  []ec2types.Image
}

func (f fakeRegions) DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	return &ec2.DescribeRegionsOutput{Regions: f.regions}, nil
}

func (f fakeRegions) DescribeImages(context.Context, *ec2.DescribeImagesInput, ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	return &ec2.DescribeImagesOutput{Images: f.images}, nil
}

// TestStepPreValidateName: a taken AMI name stops the build unless
// force_deregister (or skip_create_ami) makes it irrelevant.
func TestStepPreValidateName(t *testing.T) {
	fake := fakeRegions{regions: []ec2types.Region{{RegionName: aws.String("us-east-1")}},
		images: []ec2types.Image{{ImageId: aws.String("ami-old")}}}
	for _, tc := range []struct {
		force, skip bool
		want        multistep.StepAction
	}{{false, false, multistep.ActionHalt}, {true, false, multistep.ActionContinue}, {false, true, multistep.ActionContinue}} {
		var out bytes.Buffer
		s := &StepPreValidate{EC2: fake, Region: "us-east-1", AMIName: "web", ForceDeregister: tc.force, SkipCreateAMI: tc.skip}
		if got := s.Run(context.Background(), testState(&out)); got != tc.want {
			t.Errorf("force_deregister=%v skip_create_ami=%v: %v, want %v\n%s", tc.force, tc.skip, got, tc.want, out.String())
		}
	}
}

// TestStepPreValidateRegion: a region EC2 does not list, or one the account
// has not opted in to, stops the build with the reason.
func TestStepPreValidateRegion(t *testing.T) {
	regions := fakeRegions{regions: []ec2types.Region{
		{RegionName: aws.String("us-east-1"), OptInStatus: aws.String("opt-in-not-required")},
		{RegionName: aws.String("af-south-1"), OptInStatus: aws.String("not-opted-in")},
	}}
	for region, want := range map[string]string{
		"us-east-1":  "",
		"us-east-9":  `region "us-east-9" is not an EC2 region; set region to one of: af-south-1, us-east-1`,
		"af-south-1": `region "af-south-1" is not enabled for this account`,
	} {
		var out bytes.Buffer
		state := testState(&out)
		action := (&StepPreValidate{EC2: regions, Region: region, AMIName: "x"}).Run(context.Background(), state)
		err, _ := stateGet[error](state, stateError)
		if (want == "") != (action == multistep.ActionContinue) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("%s: action %v, err %v; want %q", region, action, err, want)
		}
	}
}
