package ami

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type networkInfoEC2 interface {
	DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error)
	DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
	DescribeInstanceTypeOfferings(context.Context, *ec2.DescribeInstanceTypeOfferingsInput, ...func(*ec2.Options)) (*ec2.DescribeInstanceTypeOfferingsOutput, error)
}

// StepNetworkInfo decides where the build instance runs: subnet_id,
// subnet_filter, or a subnet of vpc_id / vpc_filter's VPC / the default VPC
// in a zone that offers instance_type (availability_zone, when set). It
// fails before launch on a subnet outside the VPC or the zone, a zone
// without instance_type, or a region without a default VPC.
// Uses: nothing. Puts: stateVpcID, stateSubnetID, stateAvailabilityZone.
type StepNetworkInfo struct {
	EC2              networkInfoEC2
	VpcID            string
	VpcFilter        VpcFilter
	SubnetID         string
	SubnetFilter     SubnetFilter
	AvailabilityZone string
	// Types are instance_type, or a Spot build's spot_instance_types: a
	// zone offering any of them will do.
	Types InstanceTypes
}

func (s *StepNetworkInfo) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	zones, err := s.offeringZones(ctx)
	if ec2wait.IsAccessDenied(err) {
		skipCheck(state, "the zones offering "+s.Types.String(), err)
		zones, err = nil, nil // nil: any zone
	}
	if err != nil {
		return halt(state, err)
	}
	if az := s.AvailabilityZone; az != "" && zones != nil && !zones[az] {
		return halt(state, fmt.Errorf("%s is not offered in availability_zone %s: choose one of %v, or another %s",
			s.Types, az, sortedKeys(zones), s.Types.Attr))
	}
	vpc, err := s.filteredVpc(ctx)
	if err != nil {
		return halt(state, err)
	}
	subnet, err := s.subnet(ctx, vpc, s.inZone(zones))
	if err != nil {
		return halt(state, err)
	}
	zone := aws.ToString(subnet.AvailabilityZone)
	if err := s.checkZone(subnet, zones); err != nil {
		return halt(state, err)
	}
	uiOf(state).Say(fmt.Sprintf("Launching in subnet %s (%s, %s)", aws.ToString(subnet.SubnetId), aws.ToString(subnet.VpcId), zone))
	statePut(state, stateVpcID, aws.ToString(subnet.VpcId))
	statePut(state, stateSubnetID, aws.ToString(subnet.SubnetId))
	statePut(state, stateAvailabilityZone, zone)
	return multistep.ActionContinue
}

// checkZone refuses a subnet outside availability_zone or in a zone that
// does not offer the instance type.
func (s *StepNetworkInfo) checkZone(subnet ec2types.Subnet, zones map[string]bool) error {
	zone, id := aws.ToString(subnet.AvailabilityZone), aws.ToString(subnet.SubnetId)
	if s.AvailabilityZone != "" && zone != s.AvailabilityZone {
		return fmt.Errorf("subnet %s is in %s, not in availability_zone %s: choose a subnet in %s or drop availability_zone",
			id, zone, s.AvailabilityZone, s.AvailabilityZone)
	}
	if zones != nil && !zones[zone] {
		return fmt.Errorf("%s is not offered in %s, the zone of subnet %s: "+
			"choose a subnet in one of %v, or another %s", s.Types, zone, id, sortedKeys(zones), s.Types.Attr)
	}
	return nil
}

// inZone narrows the offering zones (nil: any) to availability_zone, if
// set; Run has checked that it offers the instance type.
func (s *StepNetworkInfo) inZone(zones map[string]bool) map[string]bool {
	if s.AvailabilityZone == "" {
		return zones
	}
	return map[string]bool{s.AvailabilityZone: true}
}

// offeringZones lists the zones of the region offering the instance type.
func (s *StepNetworkInfo) offeringZones(ctx context.Context) (map[string]bool, error) {
	zones := map[string]bool{}
	p := ec2.NewDescribeInstanceTypeOfferingsPaginator(s.EC2, &ec2.DescribeInstanceTypeOfferingsInput{
		LocationType: ec2types.LocationTypeAvailabilityZone,
		Filters:      []ec2types.Filter{{Name: aws.String("instance-type"), Values: s.Types.Names}},
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if ec2wait.IsAccessDenied(err) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("listing the zones offering %s: %w", s.Types, err)
		}
		for _, o := range out.InstanceTypeOfferings {
			zones[aws.ToString(o.Location)] = true
		}
	}
	if len(zones) == 0 {
		return nil, fmt.Errorf("%s: not offered in any zone of this region: check the spelling or choose another", s.Types)
	}
	return zones, nil
}

// subnet finds the subnet to launch in, by ID, by filter, or in the VPC
// (vpc: vpc_id or vpc_filter's; "" for the default VPC).
func (s *StepNetworkInfo) subnet(ctx context.Context, vpc string, zones map[string]bool) (ec2types.Subnet, error) {
	if s.SubnetID != "" {
		return s.subnetByID(ctx, vpc)
	}
	if len(s.SubnetFilter.Filters) > 0 {
		return s.subnetByFilter(ctx, vpc)
	}
	vpc, err := s.vpc(ctx, vpc)
	if err != nil {
		return ec2types.Subnet{}, err
	}
	subnets, err := s.describeSubnets(ctx, []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}})
	if err != nil {
		return ec2types.Subnet{}, err
	}
	return pickSubnetInZones(subnets, zones, vpc, s.Types)
}

func (s *StepNetworkInfo) subnetByID(ctx context.Context, vpc string) (ec2types.Subnet, error) {
	out, err := s.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{s.SubnetID}})
	if err != nil || len(out.Subnets) == 0 {
		return ec2types.Subnet{}, fmt.Errorf("subnet_id %s not found in this region: %w", s.SubnetID, orNotFound(err))
	}
	sn := out.Subnets[0]
	if vpc != "" && aws.ToString(sn.VpcId) != vpc {
		return sn, fmt.Errorf("subnet_id %s is in VPC %s, not in %s (vpc_id or vpc_filter): fix one of them (or drop the VPC)",
			s.SubnetID, aws.ToString(sn.VpcId), vpc)
	}
	return sn, nil
}

func (s *StepNetworkInfo) subnetByFilter(ctx context.Context, vpc string) (ec2types.Subnet, error) {
	filters := ec2Filters(s.SubnetFilter.Filters)
	if vpc != "" {
		filters = append(filters, ec2types.Filter{Name: aws.String("vpc-id"), Values: []string{vpc}})
	}
	if s.AvailabilityZone != "" {
		filters = append(filters, ec2types.Filter{Name: aws.String("availability-zone"), Values: []string{s.AvailabilityZone}})
	}
	subnets, err := s.describeSubnets(ctx, filters)
	if err != nil {
		return ec2types.Subnet{}, err
	}
	return chooseSubnet(subnets, s.SubnetFilter)
}

func (s *StepNetworkInfo) describeSubnets(ctx context.Context, filters []ec2types.Filter) ([]ec2types.Subnet, error) {
	out, err := s.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: filters})
	if err != nil {
		return nil, fmt.Errorf("listing subnets: %w", err)
	}
	return out.Subnets, nil
}

func (s *StepNetworkInfo) Cleanup(multistep.StateBag) {}
