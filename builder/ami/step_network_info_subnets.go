package ami

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// filteredVpc is vpc_id, or the one VPC vpc_filter finds, or "".
func (s *StepNetworkInfo) filteredVpc(ctx context.Context) (string, error) {
	if s.VpcID != "" || len(s.VpcFilter.Filters) == 0 {
		return s.VpcID, nil
	}
	out, err := s.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: ec2Filters(s.VpcFilter.Filters)})
	if err != nil {
		return "", fmt.Errorf("looking up vpc_filter: %w", err)
	}
	if len(out.Vpcs) != 1 {
		return "", fmt.Errorf("vpc_filter %v matched %d VPCs; it must match exactly one: narrow the filters or set vpc_id",
			s.VpcFilter.Filters, len(out.Vpcs))
	}
	return aws.ToString(out.Vpcs[0].VpcId), nil
}

// vpc returns the chosen VPC (vpc_id or vpc_filter's) after checking that,
// without a subnet, it is the default VPC; or the region's default VPC.
func (s *StepNetworkInfo) vpc(ctx context.Context, chosen string) (string, error) {
	in := &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}}
	if chosen != "" {
		in = &ec2.DescribeVpcsInput{VpcIds: []string{chosen}}
	}
	out, err := s.EC2.DescribeVpcs(ctx, in)
	if err != nil {
		return "", fmt.Errorf("looking up the VPC: %w", err)
	}
	switch {
	case chosen == "" && len(out.Vpcs) == 0:
		return "", errors.New("this region has no default VPC, so EC2 would refuse the launch with VPCIdNotSpecified: " +
			"set subnet_id (and optionally vpc_id) or subnet_filter to choose where the build instance runs")
	case chosen != "" && len(out.Vpcs) == 0:
		return "", fmt.Errorf("vpc_id %s not found in this region", chosen)
	case chosen != "" && !aws.ToBool(out.Vpcs[0].IsDefault):
		return "", fmt.Errorf("VPC %s (vpc_id or vpc_filter) is not the default VPC, so EC2 cannot choose a subnet: "+
			"set subnet_id or subnet_filter too", chosen)
	}
	return aws.ToString(out.Vpcs[0].VpcId), nil
}

// pickSubnetInZones picks a subnet of the VPC in a zone that offers the
// instance type (any zone when zones is nil: not known), preferring default-for-zone subnets, then zone name, so the
// choice is stable from build to build.
func pickSubnetInZones(subnets []ec2types.Subnet, zones map[string]bool, vpc string, types InstanceTypes) (ec2types.Subnet, error) {
	var ok []ec2types.Subnet
	for _, sn := range subnets {
		if zones == nil || zones[aws.ToString(sn.AvailabilityZone)] {
			ok = append(ok, sn)
		}
	}
	if len(ok) == 0 {
		return ec2types.Subnet{}, fmt.Errorf("VPC %s has no subnet in a zone offering %s (zones %v): "+
			"set subnet_id or choose another %s", vpc, types, sortedKeys(zones), types.Attr)
	}
	slices.SortFunc(ok, func(a, b ec2types.Subnet) int {
		if da, db := aws.ToBool(a.DefaultForAz), aws.ToBool(b.DefaultForAz); da != db {
			if da {
				return -1
			}
			return 1
		}
		return strings.Compare(aws.ToString(a.AvailabilityZone), aws.ToString(b.AvailabilityZone))
	})
	return ok[0], nil
}

// chooseSubnet applies subnet_filter's most_free / random to the matches.
func chooseSubnet(subnets []ec2types.Subnet, f SubnetFilter) (ec2types.Subnet, error) {
	switch {
	case len(subnets) == 0:
		return ec2types.Subnet{}, fmt.Errorf("no subnet matched subnet_filter %v (and vpc_id, if set)", f.Filters)
	case len(subnets) == 1:
		return subnets[0], nil
	case f.MostFree:
		return slices.MaxFunc(subnets, func(a, b ec2types.Subnet) int {
			return int(aws.ToInt32(a.AvailableIpAddressCount) - aws.ToInt32(b.AvailableIpAddressCount))
		}), nil
	case f.Random:
		return subnets[rand.IntN(len(subnets))], nil
	}
	return ec2types.Subnet{}, fmt.Errorf("subnet_filter matched %d subnets: narrow the filters or set most_free or random", len(subnets))
}

func sortedKeys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }

// orNotFound keeps a nil error readable in "not found" messages.
func orNotFound(err error) error {
	if err == nil {
		return errors.New("no such subnet")
	}
	return err
}
