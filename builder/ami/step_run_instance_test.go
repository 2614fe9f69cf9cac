package ami

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

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

func (f *fakeInstances) DescribeVolumes(context.Context, *ec2.DescribeVolumesInput, ...func(*ec2.Options)) (*ec2.DescribeVolumesOutput, error) {
	return &ec2.DescribeVolumesOutput{}, nil
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
	s := &StepRunInstance{EC2: fake, Instance: buildInstance{EC2: fake, Region: "us-east-1", Polling: fastPolling}, Launch: LaunchSpec{
		InstanceType: "t3.micro", Tags: baseTags("u-1", "b-1"), AssociatePublicIP: aws.Bool(false),
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
