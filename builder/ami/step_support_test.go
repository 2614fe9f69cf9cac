package ami

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

func testState(out *bytes.Buffer) *multistep.BasicStateBag {
	s := new(multistep.BasicStateBag)
	statePut(s, stateUI, &packersdk.BasicUi{Reader: strings.NewReader(""), Writer: out, ErrorWriter: out})
	return s
}

var fastPolling = ec2wait.Options{MinDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

func tagMap(tags []ec2types.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
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
	net := &StepNetworkInfo{EC2: fakeNetwork{offeringsErr: denied}, Types: InstanceTypes{"instance_type", []string{"t3.micro"}}}
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
	failing := &StepNetworkInfo{EC2: fakeNetwork{offeringsErr: errors.New("connection reset")}, Types: InstanceTypes{"instance_type", []string{"t3.micro"}}}
	if failing.Run(context.Background(), state) != multistep.ActionHalt {
		t.Error("a real error listing offerings did not stop the build")
	}
}

// assertTags checks that got has every tag of want.
func assertTags(t testing.TB, what string, got, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: tag %s = %q, want %q (all: %v)", what, k, got[k], v, got)
		}
	}
}
