//go:build acc

package ami

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// admitted decides, as EC2 does for a packet to an instance, whether the
// build instance's security groups let conn in: a rule of one of them
// must admit TCP to the server's port from the address the connection
// really comes from. The server stands for every instance that is pending
// or running (a test runs one build at a time against its moto); with
// none, nothing is admitted. A connection from onInstance comes from the
// instance itself, which groups do not filter. Rules naming other groups or prefix lists
// admit other instances or AWS services, never this machine.
func (s *testSSHServer) admitted(ctx context.Context, conn net.Conn) error {
	src := conn.RemoteAddr().(*net.TCPAddr).AddrPort().Addr().Unmap()
	if s.onInstance.IsValid() && src == s.onInstance {
		return nil // from the instance itself (a Session Manager agent): no group applies
	}
	out, err := s.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"pending", "running"}}}})
	if err != nil {
		return err
	}
	var groups []string
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			groups = append(groups, instanceGroups(i)...)
		}
	}
	if len(groups) == 0 {
		return fmt.Errorf("no running instance for %s to reach", src)
	}
	sgs, err := s.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: groups})
	if err != nil {
		return err
	}
	for _, g := range sgs.SecurityGroups {
		for _, p := range g.IpPermissions {
			if admitsTCP(p, s.Port) && admitsFrom(p, src) {
				return nil
			}
		}
	}
	return fmt.Errorf("no rule of groups %v admits TCP %d from %s", groups, s.Port, src)
}

func instanceGroups(i ec2types.Instance) []string {
	var ids []string
	for _, g := range i.SecurityGroups {
		ids = append(ids, aws.ToString(g.GroupId))
	}
	for _, ni := range i.NetworkInterfaces {
		for _, g := range ni.Groups {
			ids = append(ids, aws.ToString(g.GroupId))
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids) // moto fails on a group named twice
}

func admitsTCP(p ec2types.IpPermission, port int) bool {
	switch aws.ToString(p.IpProtocol) {
	case "-1", "all":
		return true
	case "tcp", "6":
		return aws.ToInt32(p.FromPort) <= int32(port) && int32(port) <= aws.ToInt32(p.ToPort)
	}
	return false
}

func admitsFrom(p ec2types.IpPermission, src netip.Addr) bool {
	var cidrs []string
	for _, r := range p.IpRanges {
		cidrs = append(cidrs, aws.ToString(r.CidrIp))
	}
	for _, r := range p.Ipv6Ranges {
		cidrs = append(cidrs, aws.ToString(r.CidrIpv6))
	}
	for _, c := range cidrs {
		if pr, err := netip.ParsePrefix(c); err == nil && pr.Contains(src) {
			return true
		}
	}
	return false
}
