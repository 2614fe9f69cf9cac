package awsid

import (
	"slices"
	"testing"
)

func TestIsRegion(t *testing.T) {
	for name, want := range map[string]bool{
		"us-east-1": true, "eu-west-3": true, "il-central-1": true, "mx-central-1": true,
		"cn-north-1": true, "us-gov-west-1": true, "us-iso-east-1": true, "eusc-de-east-1": true,
		"ap-southeast-9": true, // not opened yet: the partition's pattern still accepts it
		"Europe":         false, "mars": false, "US East": false, "us-east1": false, "us_east_1": false,
		"aws-global": false, "xx-east-1": false, "us-east-1 ": false, "": false,
	} {
		if got := IsRegion(name); got != want {
			t.Errorf("IsRegion(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestRegionsComeFromEveryPartition: the generated table holds the
// partitions the SDK knows, each region matching its own pattern.
func TestRegionsComeFromEveryPartition(t *testing.T) {
	all := Regions()
	for _, r := range []string{"us-east-1", "cn-northwest-1", "us-gov-east-1"} {
		if !slices.Contains(all, r) {
			t.Errorf("Regions() lacks %s", r)
		}
	}
	for i, p := range partitions {
		for _, r := range p.regions {
			if !compiled()[i].MatchString(r) {
				t.Errorf("partition %s: region %s does not match %s", p.id, r, p.pattern)
			}
		}
	}
}

func TestIsAMIID(t *testing.T) {
	for id, want := range map[string]bool{
		"ami-0123456789abcdef0": true, "ami-12345678": true,
		"ami-1": false, "ami-0123456789ABCDEF0": false, "ami-0123456789abcdef": false,
		"ubuntu": false, "i-0123456789abcdef0": false, "": false,
	} {
		if got := IsAMIID(id); got != want {
			t.Errorf("IsAMIID(%q) = %v, want %v", id, got, want)
		}
	}
}
