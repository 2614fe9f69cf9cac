package ami

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// terminatingEC2 terminates at once and lists the instance as terminated;
// its volumes are fakeVolumes'.
type terminatingEC2 struct {
	*fakeVolumes
	terminated []string
}

func (f *terminatingEC2) TerminateInstances(_ context.Context, in *ec2.TerminateInstancesInput, _ ...func(*ec2.Options)) (*ec2.TerminateInstancesOutput, error) {
	f.terminated = append(f.terminated, in.InstanceIds...)
	return &ec2.TerminateInstancesOutput{}, nil
}

func (f *terminatingEC2) DescribeInstances(_ context.Context, in *ec2.DescribeInstancesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	inst := ec2types.Instance{InstanceId: aws.String(in.InstanceIds[0]), State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameTerminated}}
	return &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{Instances: []ec2types.Instance{inst}}}}, nil
}

// TestTerminateDeletesTheVolumesEC2Kept: terminating the build instance
// deletes the volume EC2 keeps after it (the source AMI's mapping said
// delete_on_termination = false), and leaves alone the one EC2 deletes
// itself and the one the template keeps.
func TestTerminateDeletesTheVolumesEC2Kept(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	vols := &fakeVolumes{asked: map[string]int{}, states: map[string][]ec2types.VolumeState{
		"vol-ami": {ec2types.VolumeStateAvailable}, "vol-root": {""}, "vol-keep": {ec2types.VolumeStateAvailable}}}
	c := &terminatingEC2{fakeVolumes: vols}
	b := &buildInstance{EC2: c, Region: "us-east-1", Polling: fastPolling, id: "i-1", Kept: map[string]bool{"/dev/sdc": true},
		volumes:      map[string]string{"/dev/sda1": "vol-root", "/dev/sdb": "vol-ami", "/dev/sdc": "vol-keep"},
		deletedByEC2: map[string]bool{"/dev/sda1": true}}
	b.terminate(state)
	if strings.Join(c.terminated, ",") != "i-1" {
		t.Errorf("terminated %v, want i-1", c.terminated)
	}
	if strings.Join(vols.deleted, ",") != "vol-ami" {
		t.Errorf("deleted %v, want only vol-ami, which EC2 keeps\n%s", vols.deleted, out.String())
	}
	if vols.asked["vol-root"] != 0 || vols.asked["vol-keep"] != 0 {
		t.Errorf("asked about volumes the build must not delete: %v", vols.asked)
	}
}
