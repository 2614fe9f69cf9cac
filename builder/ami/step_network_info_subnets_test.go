package ami

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func subnet(id, az string, def bool, free int32) ec2types.Subnet {
	return ec2types.Subnet{SubnetId: aws.String(id), AvailabilityZone: aws.String(az), DefaultForAz: aws.Bool(def),
		AvailableIpAddressCount: aws.Int32(free)}
}

func TestSubnetChoice(t *testing.T) {
	subnets := []ec2types.Subnet{subnet("s-e", "us-east-1e", true, 10), subnet("s-b", "us-east-1b", false, 99), subnet("s-c", "us-east-1c", true, 5)}
	got, err := pickSubnetInZones(subnets, map[string]bool{"us-east-1b": true, "us-east-1c": true}, "vpc-1", InstanceTypes{"instance_type", []string{"t3.micro"}})
	if err != nil || aws.ToString(got.SubnetId) != "s-c" {
		t.Errorf("pickSubnetInZones = %s, %v; want the default-for-zone subnet in an offering zone", aws.ToString(got.SubnetId), err)
	}
	if _, err := pickSubnetInZones(subnets, map[string]bool{"us-east-1f": true}, "vpc-1", InstanceTypes{"instance_type", []string{"t3.micro"}}); err == nil ||
		!strings.Contains(err.Error(), "no subnet in a zone offering instance_type t3.micro") {
		t.Errorf("no offering zone: %v", err)
	}
	if got, _ := chooseSubnet(subnets, SubnetFilter{MostFree: true}); aws.ToString(got.SubnetId) != "s-b" {
		t.Errorf("most_free chose %s", aws.ToString(got.SubnetId))
	}
	if _, err := chooseSubnet(subnets, SubnetFilter{}); err == nil || !strings.Contains(err.Error(), "matched 3 subnets") {
		t.Errorf("ambiguous filter: %v", err)
	}
}
