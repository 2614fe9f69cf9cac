package ami

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
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

// TestLaunchSpecUserDataFile: user_data_file's bytes reach EC2 base64-encoded.
func TestLaunchSpecUserDataFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "user-data")
	if err := os.WriteFile(path, []byte("#!/bin/sh\necho hi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := LaunchSpec{UserDataFile: path}.userData()
	if err != nil || aws.ToString(got) != "IyEvYmluL3NoCmVjaG8gaGkK" {
		t.Errorf("user data %q, %v", aws.ToString(got), err)
	}
	if got, _ := (LaunchSpec{}).userData(); got != nil {
		t.Errorf("no user data configured, got %q", aws.ToString(got))
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

var denied = &smithy.GenericAPIError{Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."}

type deniedRegions struct{ fakeRegions }

func (deniedRegions) DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	return nil, denied
}

type fakeNetwork struct{ offeringsErr error }

func (f fakeNetwork) DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	return &ec2.DescribeVpcsOutput{Vpcs: []ec2types.Vpc{{VpcId: aws.String("vpc-1"), IsDefault: aws.Bool(true)}}}, nil
}

func (f fakeNetwork) DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	return &ec2.DescribeSubnetsOutput{Subnets: []ec2types.Subnet{subnet("subnet-b", "us-east-1b", true, 10)}}, nil
}

func (f fakeNetwork) DescribeInstanceTypeOfferings(context.Context, *ec2.DescribeInstanceTypeOfferingsInput, ...func(*ec2.Options)) (*ec2.DescribeInstanceTypeOfferingsOutput, error) {
	return nil, f.offeringsErr
}

// TestChecksSkippedWithoutPermission: a role without DescribeRegions or
// DescribeInstanceTypeOfferings still builds; the skipped check is said.
func TestChecksSkippedWithoutPermission(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	pre := &StepPreValidate{EC2: deniedRegions{}, Region: "us-east-1", AMIName: "x"}
	if pre.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("pre-validation halted: %v", state.Get("error"))
	}
	net := &StepNetworkInfo{EC2: fakeNetwork{offeringsErr: denied}, InstanceType: "t3.micro"}
	if net.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("network step halted: %v", state.Get("error"))
	}
	if sn, _ := stateGet[string](state, stateSubnetID); sn != "subnet-b" {
		t.Errorf("subnet %q", sn)
	}
	if strings.Count(out.String(), "Skipping the check of") != 2 {
		t.Errorf("skipped checks not reported:\n%s", out.String())
	}
	var other bytes.Buffer
	state = testState(&other)
	failing := &StepNetworkInfo{EC2: fakeNetwork{offeringsErr: errors.New("connection reset")}, InstanceType: "t3.micro"}
	if failing.Run(context.Background(), state) != multistep.ActionHalt {
		t.Error("a real error listing offerings did not stop the build")
	}
}
