package ami

import (
	"strings"
	"testing"
)

// TestBlockDeviceLimitsFollowEC2: each volume type's documented size,
// IOPS and throughput ranges (gp3's raised ones included), IOPS per GiB,
// and io1/io2 requiring iops; every error names the mapping and attribute.
func TestBlockDeviceLimitsFollowEC2(t *testing.T) {
	for _, tc := range []struct {
		dev  BlockDevice
		want string // "" for valid
	}{
		{BlockDevice{VolumeType: "gp3", VolumeSize: 100, IOPS: 50000, Throughput: 2000}, ""},
		{BlockDevice{VolumeType: "gp3", VolumeSize: 65536}, ""},
		{BlockDevice{VolumeType: "gp3", Throughput: 2001}, "throughput 2001 MiB/s is out of range for volume_type gp3: 125 to 2000"},
		{BlockDevice{VolumeType: "gp3", Throughput: 100}, "throughput 100 MiB/s is out of range"},
		{BlockDevice{VolumeType: "gp3", IOPS: 80001}, "iops 80001 is out of range for volume_type gp3: 3000 to 80000"},
		{BlockDevice{VolumeType: "gp3", VolumeSize: 8, IOPS: 5000}, "iops 5000 is more than volume_type gp3 allows for 8 GiB (500 per GiB)"},
		{BlockDevice{VolumeType: "io1", VolumeSize: 100}, "volume_type io1 needs iops (100 to 64000)"},
		{BlockDevice{VolumeType: "io2", VolumeSize: 100}, "volume_type io2 needs iops (100 to 256000)"},
		{BlockDevice{VolumeType: "io2", VolumeSize: 100, IOPS: 100000}, ""},
		{BlockDevice{VolumeType: "io1", VolumeSize: 100, IOPS: 5001}, "iops 5001 is more than volume_type io1 allows for 100 GiB (50 per GiB)"},
		{BlockDevice{VolumeType: "gp2", IOPS: 3000}, "iops applies only to volume_type [gp3 io1 io2]"},
		{BlockDevice{VolumeType: "io1", IOPS: 100, Throughput: 500}, "throughput applies only to volume_type gp3"},
		{BlockDevice{VolumeType: "st1", VolumeSize: 100}, "volume_size 100 GiB is out of range for volume_type st1: 125 to 16384 GiB"},
		{BlockDevice{VolumeType: "standard", VolumeSize: 2048}, "volume_size 2048 GiB is out of range for volume_type standard"},
		{BlockDevice{IOPS: 3000}, "iops and throughput need a volume_type"},
	} {
		tc.dev.DeviceName = "/dev/sdb"
		errs := tc.dev.Prepare("launch_block_device_mappings[1]")
		got := ""
		for _, e := range errs {
			got += e.Error() + "; "
		}
		switch {
		case tc.want == "" && len(errs) != 0:
			t.Errorf("%+v: unexpected %s", tc.dev, got)
		case tc.want != "" && (!strings.Contains(got, tc.want) || !strings.HasPrefix(got, "launch_block_device_mappings[1]: ")):
			t.Errorf("%+v: got %q, want %q", tc.dev, got, tc.want)
		}
	}
}
