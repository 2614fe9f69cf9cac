package ami

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

type fakeGroups struct {
	busy    int // DeleteSecurityGroup answers DependencyViolation this often
	deletes int
	ingress *ec2.AuthorizeSecurityGroupIngressInput
}

func (f *fakeGroups) DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	return &ec2.DescribeSecurityGroupsOutput{}, nil
}

func (f *fakeGroups) CreateSecurityGroup(context.Context, *ec2.CreateSecurityGroupInput, ...func(*ec2.Options)) (*ec2.CreateSecurityGroupOutput, error) {
	return &ec2.CreateSecurityGroupOutput{GroupId: aws.String("sg-1")}, nil
}

func (f *fakeGroups) AuthorizeSecurityGroupIngress(_ context.Context, in *ec2.AuthorizeSecurityGroupIngressInput, _ ...func(*ec2.Options)) (*ec2.AuthorizeSecurityGroupIngressOutput, error) {
	f.ingress = in
	return &ec2.AuthorizeSecurityGroupIngressOutput{}, nil
}

func (f *fakeGroups) DeleteSecurityGroup(context.Context, *ec2.DeleteSecurityGroupInput, ...func(*ec2.Options)) (*ec2.DeleteSecurityGroupOutput, error) {
	f.deletes++
	if f.deletes <= f.busy {
		return nil, &smithy.GenericAPIError{Code: "DependencyViolation", Message: "resource sg-1 has a dependent object"}
	}
	return &ec2.DeleteSecurityGroupOutput{}, nil
}

// TestStepSecurityGroupDeleteRetriesWhileInUse: the group's deletion is
// retried while EC2 still sees the instance using it.
func TestStepSecurityGroupDeleteRetriesWhileInUse(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	fake := &fakeGroups{busy: 3}
	s := &StepSecurityGroup{EC2: fake, Source: sshSource{Configured: []string{"192.0.2.0/24", "2001:db8::/32"}}, SSHPort: 2222,
		Name: "g", Region: "us-east-1", Polling: fastPolling}
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v", state.Get("error"))
	}
	p := fake.ingress.IpPermissions[0]
	if aws.ToInt32(p.FromPort) != 2222 || aws.ToString(p.IpRanges[0].CidrIp) != "192.0.2.0/24" || aws.ToString(p.Ipv6Ranges[0].CidrIpv6) != "2001:db8::/32" {
		t.Errorf("ingress %+v", p)
	}
	s.Cleanup(state)
	if fake.deletes != 4 || s.created != "" {
		t.Errorf("deletes = %d (want 3 refused + 1), created = %q\n%s", fake.deletes, s.created, out.String())
	}
}
