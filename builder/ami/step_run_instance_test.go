package ami

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/packer-plugin-sdk/communicator"
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

type fakeKeys struct {
	imported  *ec2.ImportKeyPairInput
	deleted   []string
	deleteErr error
}

func (f *fakeKeys) ImportKeyPair(_ context.Context, in *ec2.ImportKeyPairInput, _ ...func(*ec2.Options)) (*ec2.ImportKeyPairOutput, error) {
	f.imported = in
	return &ec2.ImportKeyPairOutput{KeyName: in.KeyName}, nil
}

func (f *fakeKeys) DeleteKeyPair(_ context.Context, in *ec2.DeleteKeyPairInput, _ ...func(*ec2.Options)) (*ec2.DeleteKeyPairOutput, error) {
	f.deleted = append(f.deleted, aws.ToString(in.KeyName))
	return &ec2.DeleteKeyPairOutput{}, f.deleteErr
}

// TestStepKeyPair: an ed25519 key is imported and tagged, its private key is
// masked in logs, written to disk only in debug mode and removed at the end;
// a failed delete prints the exact key name to delete by hand.
func TestStepKeyPair(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	fake := &fakeKeys{deleteErr: errors.New("boom")}
	comm := &communicator.Config{}
	debugKey := filepath.Join(t.TempDir(), "ec2_test.pem")
	s := &StepKeyPair{EC2: fake, Comm: comm, Temporary: true, Name: "immutable-build-x", Region: "eu-west-1",
		Tags: baseTags("u-1"), DebugKeyPath: debugKey}
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v", state.Get("error"))
	}
	if !strings.HasPrefix(string(fake.imported.PublicKeyMaterial), "ssh-ed25519 ") || !bytes.Equal(fake.imported.PublicKeyMaterial, comm.SSHPublicKey) {
		t.Errorf("imported %q", fake.imported.PublicKeyMaterial)
	}
	if tags := tagMap(fake.imported.TagSpecifications[0].Tags); tags[BuildUUIDTagKey] != "u-1" {
		t.Errorf("key pair tags %v", tags)
	}
	if !strings.Contains(packersdk.LogSecretFilter.FilterString(string(comm.SSHPrivateKey)), "<sensitive>") {
		t.Error("private key not registered with LogSecretFilter")
	}
	if b, err := os.ReadFile(debugKey); err != nil || !bytes.Equal(b, comm.SSHPrivateKey) {
		t.Errorf("debug key file: %v", err)
	}
	s.Cleanup(state)
	if _, err := os.Stat(debugKey); !os.IsNotExist(err) {
		t.Errorf("debug key file left: %v", err)
	}
	if !strings.Contains(out.String(), "aws ec2 delete-key-pair --region eu-west-1 --key-name immutable-build-x") {
		t.Errorf("failed cleanup does not say what to delete:\n%s", out.String())
	}
}

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
	s := &StepSecurityGroup{EC2: fake, SourceCIDRs: []string{"192.0.2.0/24", "2001:db8::/32"}, SSHPort: 2222,
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

type fakeInstances struct {
	run            *ec2.RunInstancesInput
	state          ec2types.InstanceStateName
	terminateErr   error
	deletedVolumes []string
}

func (f *fakeInstances) RunInstances(_ context.Context, in *ec2.RunInstancesInput, _ ...func(*ec2.Options)) (*ec2.RunInstancesOutput, error) {
	f.run = in
	return &ec2.RunInstancesOutput{Instances: []ec2types.Instance{{InstanceId: aws.String("i-1")}}}, nil
}

func (f *fakeInstances) DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	inst := ec2types.Instance{InstanceId: aws.String("i-1"), State: &ec2types.InstanceState{Name: f.state},
		PrivateIpAddress: aws.String("10.0.0.5")}
	return &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{Instances: []ec2types.Instance{inst}}}}, nil
}

func (f *fakeInstances) DeleteVolume(_ context.Context, in *ec2.DeleteVolumeInput, _ ...func(*ec2.Options)) (*ec2.DeleteVolumeOutput, error) {
	f.deletedVolumes = append(f.deletedVolumes, aws.ToString(in.VolumeId))
	return &ec2.DeleteVolumeOutput{}, nil
}

func (f *fakeInstances) TerminateInstances(context.Context, *ec2.TerminateInstancesInput, ...func(*ec2.Options)) (*ec2.TerminateInstancesOutput, error) {
	return &ec2.TerminateInstancesOutput{}, f.terminateErr
}

// TestStepRunInstance: the launch request carries the launch options, the
// instance's address goes to the state, and a failed termination prints
// the exact instance to terminate by hand.
func TestStepRunInstance(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	statePut(state, stateSourceImage, ec2types.Image{ImageId: aws.String("ami-1")})
	statePut(state, stateSubnetID, "subnet-1")
	statePut(state, stateSecurityGroupIDs, []string{"sg-1"})
	statePut(state, stateKeyPairName, "k")
	fake := &fakeInstances{state: ec2types.InstanceStateNameRunning, terminateErr: errors.New("UnauthorizedOperation")}
	meta := MetadataOptions{HTTPEndpoint: "enabled", HTTPTokens: "required", InstanceMetadataTags: "disabled", HTTPPutResponseHopLimit: 2}
	s := &StepRunInstance{EC2: fake, Region: "us-east-1", Polling: fastPolling, Launch: LaunchSpec{
		InstanceType: "t3.micro", Tags: baseTags("u-1"), AssociatePublicIP: aws.Bool(false),
		RunTags:            map[string]string{"Name": "web-build", BuildUUIDTagKey: "spoofed"},
		IAMInstanceProfile: "builder", UserData: "#!/bin/sh\necho hi\n", Metadata: meta, ShutdownBehavior: "terminate",
		BlockDevices: []BlockDevice{{DeviceName: "/dev/sda1", VolumeSize: 30, VolumeType: "gp3"}}}}
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v\n%s", state.Get("error"), out.String())
	}
	in := fake.run
	ni := in.NetworkInterfaces[0]
	switch {
	case aws.ToString(in.KeyName) != "k", aws.ToString(in.IamInstanceProfile.Name) != "builder",
		in.InstanceInitiatedShutdownBehavior != "terminate", aws.ToString(in.UserData) != "IyEvYmluL3NoCmVjaG8gaGkK",
		in.MetadataOptions.HttpTokens != "required", aws.ToInt32(in.MetadataOptions.HttpPutResponseHopLimit) != 2,
		aws.ToString(ni.SubnetId) != "subnet-1", ni.Groups[0] != "sg-1", aws.ToBool(ni.AssociatePublicIpAddress),
		!aws.ToBool(in.BlockDeviceMappings[0].Ebs.DeleteOnTermination), aws.ToInt32(in.BlockDeviceMappings[0].Ebs.VolumeSize) != 30,
		in.SubnetId != nil:
		t.Errorf("RunInstances input not as configured: %+v", in)
	}
	if tags := tagMap(in.TagSpecifications[0].Tags); tags["Name"] != "web-build" || tags[BuildUUIDTagKey] != "u-1" {
		t.Errorf("instance tags %v: want run_tags' Name and the build's UUID", tags)
	}
	if h, _ := stateGet[string](state, stateSSHHost); h != "10.0.0.5" {
		t.Errorf("ssh host %q, want the private IP (no public one)", h)
	}
	s.Cleanup(state)
	if !strings.Contains(out.String(), "aws ec2 terminate-instances --region us-east-1 --instance-ids i-1") {
		t.Errorf("failed termination does not say what to remove:\n%s", out.String())
	}
}
