package ami

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// fakeModifyEC2 records the attribute calls; imds is what DescribeImages
// reports the image already has.
type fakeModifyEC2 struct {
	imds       ec2types.ImdsSupportValues
	modified   []*ec2.ModifyImageAttributeInput
	deprecated []*ec2.EnableImageDeprecationInput
}

func (f *fakeModifyEC2) DescribeImages(_ context.Context, in *ec2.DescribeImagesInput, _ ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	return &ec2.DescribeImagesOutput{Images: []ec2types.Image{{ImageId: &in.ImageIds[0], ImdsSupport: f.imds}}}, nil
}

func (f *fakeModifyEC2) ModifyImageAttribute(_ context.Context, in *ec2.ModifyImageAttributeInput, _ ...func(*ec2.Options)) (*ec2.ModifyImageAttributeOutput, error) {
	f.modified = append(f.modified, in)
	return &ec2.ModifyImageAttributeOutput{}, nil
}

func (f *fakeModifyEC2) EnableImageDeprecation(_ context.Context, in *ec2.EnableImageDeprecationInput, _ ...func(*ec2.Options)) (*ec2.EnableImageDeprecationOutput, error) {
	f.deprecated = append(f.deprecated, in)
	return &ec2.EnableImageDeprecationOutput{}, nil
}

func TestStepModifyImage(t *testing.T) {
	cases := []struct {
		name       string
		step       StepModifyImage
		has        ec2types.ImdsSupportValues
		imdsCalls  int
		permCalls  int
		deprecates int
	}{
		{"default requires IMDSv2", StepModifyImage{IMDSSupport: "v2.0"}, "", 1, 0, 0},
		{"a copy that inherited v2.0 is left alone", StepModifyImage{IMDSSupport: "v2.0"}, ec2types.ImdsSupportValuesV20, 0, 0, 0},
		{"none sends nothing", StepModifyImage{IMDSSupport: "none"}, "", 0, 0, 0},
		{"sharing and deprecation", StepModifyImage{IMDSSupport: "none", Sharing: ImageSharingConfig{AMIUsers: []string{"210987654321"}, AMIGroups: []string{"all"}},
			DeprecateAt: "2030-01-31T00:00:00Z"}, "", 0, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeModifyEC2{imds: tc.has}
			s := tc.step
			s.Clients = func(context.Context, string) (modifyImageEC2, error) { return fake, nil }
			state := new(multistep.BasicStateBag)
			statePut(state, stateUI, packersdk.Ui(&packersdk.MockUi{}))
			statePut(state, stateAMIs, map[string]string{"us-east-1": "ami-1"})
			if got := s.Run(context.Background(), state); got != multistep.ActionContinue {
				t.Fatalf("Run = %v: %v", got, state.Get("error"))
			}
			imds, perms := 0, 0
			for _, m := range fake.modified {
				if m.ImdsSupport != nil && aws.ToString(m.ImdsSupport.Value) == "v2.0" {
					imds++
				}
				if m.LaunchPermission != nil && len(m.LaunchPermission.Add) == 2 {
					perms++
				}
			}
			if imds != tc.imdsCalls || perms != tc.permCalls || len(fake.deprecated) != tc.deprecates {
				t.Errorf("imds %d perms %d deprecations %d, want %d %d %d", imds, perms, len(fake.deprecated), tc.imdsCalls, tc.permCalls, tc.deprecates)
			}
			if tc.deprecates == 1 && fake.deprecated[0].DeprecateAt.Year() != 2030 {
				t.Errorf("DeprecateAt = %v", fake.deprecated[0].DeprecateAt)
			}
		})
	}
}
