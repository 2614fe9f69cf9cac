package ami

import (
	"bytes"
	"context"
	"slices"
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

// DescribeImages answers as EC2 does: Owners ("self" is this account),
// the name filter, and deprecated and disabled images (marked in the
// fake by their state and DeprecationTime) shown only as EC2 shows them.
func (f fakeRegions) DescribeImages(_ context.Context, in *ec2.DescribeImagesInput, _ ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	var out []ec2types.Image
	for _, img := range f.images {
		owner := aws.ToString(img.OwnerId)
		mine := owner == thisAccount
		switch {
		case len(in.Owners) > 0 && !slices.Contains(in.Owners, owner) && !(mine && slices.Contains(in.Owners, "self")):
		case !nameMatches(in.Filters, aws.ToString(img.Name)):
		case img.State == ec2types.ImageStateDisabled && !aws.ToBool(in.IncludeDisabled):
		case img.DeprecationTime != nil && !mine && !aws.ToBool(in.IncludeDeprecated):
		default:
			out = append(out, img)
		}
	}
	return &ec2.DescribeImagesOutput{Images: out}, nil
}

const thisAccount = "111111111111"

func nameMatches(filters []ec2types.Filter, name string) bool {
	for _, f := range filters {
		if aws.ToString(f.Name) == "name" && !slices.Contains(f.Values, name) {
			return false
		}
	}
	return true
}

// TestStepPreValidateName: a taken AMI name stops the build unless
// force_deregister (or skip_create_ami) makes it irrelevant.
func TestStepPreValidateName(t *testing.T) {
	fake := fakeRegions{regions: []ec2types.Region{{RegionName: aws.String("us-east-1")}},
		images: []ec2types.Image{{ImageId: aws.String("ami-old"), Name: aws.String("web"), OwnerId: aws.String(thisAccount)}}}
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

// TestNameCheckSeesOnlyThisAccountsImagesAllOfThem: another account's
// public AMI with the same name does not stop the build (the check asks
// for Owners: self); this account's deprecated or disabled one does (it
// still holds the name).
func TestNameCheckSeesOnlyThisAccountsImagesAllOfThem(t *testing.T) {
	regions := []ec2types.Region{{RegionName: aws.String("us-east-1")}}
	for _, tc := range []struct {
		name  string
		image ec2types.Image
		want  multistep.StepAction
	}{
		{"someone else's public image", ec2types.Image{OwnerId: aws.String("099720109477")}, multistep.ActionContinue},
		{"own deprecated image", ec2types.Image{OwnerId: aws.String(thisAccount), DeprecationTime: aws.String("2020-01-01T00:00:00Z")}, multistep.ActionHalt},
		{"own disabled image", ec2types.Image{OwnerId: aws.String(thisAccount), State: ec2types.ImageStateDisabled}, multistep.ActionHalt},
	} {
		tc.image.ImageId, tc.image.Name = aws.String("ami-x"), aws.String("web")
		var out bytes.Buffer
		s := &StepPreValidate{EC2: fakeRegions{regions: regions, images: []ec2types.Image{tc.image}}, Region: "us-east-1", AMIName: "web"}
		if got := s.Run(context.Background(), testState(&out)); got != tc.want {
			t.Errorf("%s: %v, want %v\n%s", tc.name, got, tc.want, out.String())
		}
	}
}
