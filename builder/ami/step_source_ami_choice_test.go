package ami

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func image(id, name, created, arch, virt string) ec2types.Image {
	return ec2types.Image{ImageId: aws.String(id), Name: aws.String(name), CreationDate: aws.String(created),
		Architecture: ec2types.ArchitectureValues(arch), VirtualizationType: ec2types.VirtualizationType(virt)}
}

func TestChooseImage(t *testing.T) {
	old := image("ami-old", "u-20240101", "2024-01-01T00:00:00.000Z", "x86_64", "hvm")
	newer := image("ami-new", "u-20230101", "2024-03-01T00:00:00.000Z", "x86_64", "hvm")
	tieA := image("ami-a", "u-20240207", "2024-03-01T00:00:00.000Z", "x86_64", "hvm")
	cases := []struct {
		name    string
		images  []ec2types.Image
		recent  bool
		want    string
		wantErr string
	}{
		{"none", nil, true, "", "no image matched source_ami_filter"},
		{"one", []ec2types.Image{old}, false, "ami-old", ""},
		{"several without most_recent", []ec2types.Image{old, newer}, false, "", "set most_recent = true"},
		{"newest by creation date, not name", []ec2types.Image{old, newer}, true, "ami-new", ""},
		{"tie broken by name", []ec2types.Image{newer, tieA}, true, "ami-a", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := chooseImage(tc.images, AMIFilter{MostRecent: tc.recent, Filters: map[string]string{"name": "u-*"}})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || aws.ToString(got.ImageId) != tc.want {
				t.Fatalf("got %s, %v; want %s", aws.ToString(got.ImageId), err, tc.want)
			}
		})
	}
}

func TestCompatible(t *testing.T) {
	x86 := ec2types.InstanceTypeInfo{InstanceType: "t3.micro",
		ProcessorInfo:                &ec2types.ProcessorInfo{SupportedArchitectures: []ec2types.ArchitectureType{"x86_64"}},
		SupportedVirtualizationTypes: []ec2types.VirtualizationType{"hvm"}}
	cases := []struct {
		img     ec2types.Image
		wantErr string
	}{
		{image("ami-1", "a", "", "x86_64", "hvm"), ""},
		{image("ami-2", "a", "", "arm64", "hvm"), "is arm64 but instance_type t3.micro runs [x86_64]"},
		{image("ami-3", "a", "", "x86_64", "paravirtual"), "uses paravirtual virtualization"},
	}
	for _, tc := range cases {
		err := compatible(tc.img, x86, "instance_type")
		if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%s: err %v, want %q", aws.ToString(tc.img.ImageId), err, tc.wantErr)
		}
	}
}
