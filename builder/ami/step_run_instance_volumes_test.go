package ami

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// fakeVolumes answers DescribeVolumes from a script of states per volume
// (the last one repeats; "" means EC2 deleted it) and records deletions.
type fakeVolumes struct {
	states  map[string][]ec2types.VolumeState
	deleted []string
	asked   map[string]int
}

func (f *fakeVolumes) DescribeVolumes(_ context.Context, in *ec2.DescribeVolumesInput, _ ...func(*ec2.Options)) (*ec2.DescribeVolumesOutput, error) {
	id := in.VolumeIds[0]
	seq := f.states[id]
	st := seq[min(f.asked[id], len(seq)-1)]
	f.asked[id]++
	if st == "" {
		return nil, &smithy.GenericAPIError{Code: "InvalidVolume.NotFound", Message: "gone"}
	}
	return &ec2.DescribeVolumesOutput{Volumes: []ec2types.Volume{{VolumeId: aws.String(id), State: st}}}, nil
}

func (f *fakeVolumes) DeleteVolume(_ context.Context, in *ec2.DeleteVolumeInput, _ ...func(*ec2.Options)) (*ec2.DeleteVolumeOutput, error) {
	id := aws.ToString(in.VolumeId)
	if st := f.states[id][min(f.asked[id], len(f.states[id]))-1]; st != ec2types.VolumeStateAvailable {
		return nil, &smithy.GenericAPIError{Code: "VolumeInUse", Message: id + " is " + string(st)}
	}
	f.deleted = append(f.deleted, id)
	return &ec2.DeleteVolumeOutput{}, nil
}

// TestVolumeCleanupDeletesOnlyWhatTheBuildMustNotLeave: after termination
// the root volume (delete on termination) is gone already, the volume the
// source AMI kept is deleted once it is available, and the volume the
// template marked delete_on_termination = false is kept and named; a volume
// EC2 deletes with the instance is not even waited for.
func TestVolumeCleanupDeletesOnlyWhatTheBuildMustNotLeave(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	inUse, avail := ec2types.VolumeStateInUse, ec2types.VolumeStateAvailable
	fake := &fakeVolumes{asked: map[string]int{}, states: map[string][]ec2types.VolumeState{
		"vol-root": {""}, "vol-ami": {inUse, inUse, avail}, "vol-keep": {avail}}}
	s := &buildInstance{Region: "us-east-1", Polling: fastPolling,
		volumes:      map[string]string{"/dev/sda1": "vol-root", "/dev/sdb": "vol-ami", "/dev/sdc": "vol-keep", "/dev/sdd": "vol-ec2"},
		deletedByEC2: map[string]bool{"/dev/sdd": true},
		Kept: LaunchSpec{BlockDevices: []BlockDevice{{DeviceName: "/dev/sdc", DeleteOnTermination: aws.Bool(false)},
			{DeviceName: "/dev/sda1", DeleteOnTermination: aws.Bool(true)}}}.keptDevices()}
	s.deleteVolumes(context.Background(), state, fake)
	if strings.Join(fake.deleted, ",") != "vol-ami" {
		t.Errorf("deleted %v, want only vol-ami (kept by the source AMI's mapping)\n%s", fake.deleted, out.String())
	}
	if fake.asked["vol-ami"] < 3 {
		t.Errorf("vol-ami deleted before it was available (asked %d times)", fake.asked["vol-ami"])
	}
	if fake.asked["vol-ec2"] != 0 {
		t.Errorf("vol-ec2, which EC2 deletes with the instance, was waited for (asked %d times)", fake.asked["vol-ec2"])
	}
	if fake.asked["vol-keep"] != 0 || !strings.Contains(out.String(), "Keeping volume vol-keep (/dev/sdc): delete_on_termination = false") {
		t.Errorf("the kept volume was touched or not named:\n%s", out.String())
	}
	if strings.Contains(out.String(), "could not delete") {
		t.Errorf("cleanup reported a failure:\n%s", out.String())
	}
}
