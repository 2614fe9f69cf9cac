package ami

import (
	"context"
	"net/http"
	"net/netip"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// sshSource gathers what decides the temporary group's SSH source.
func (c *Config) sshSource(client describeInstanceEC2, httpClient *http.Client) sshSource {
	via := c.Comm.SSHBastionHost
	if via == "" {
		via = c.Comm.SSHProxyHost
	}
	return sshSource{Configured: c.TemporarySGSourceCidrs, PublicIP: c.TemporarySGSourcePublicIP,
		DetectURL: c.PublicIPDetectionURL, HTTPClient: httpClient, Port: c.Comm.SSHPort, Via: via,
		Bastion: bastionIn(client)}
}

// bastionIn finds an instance of the region by one of its addresses and
// returns its private and public addresses.
func bastionIn(c describeInstanceEC2) func(context.Context, netip.Addr) (netip.Addr, netip.Addr, error) {
	return func(ctx context.Context, addr netip.Addr) (netip.Addr, netip.Addr, error) {
		for _, filter := range []string{"private-ip-address", "ip-address"} {
			out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
				{Name: aws.String(filter), Values: []string{addr.String()}}}})
			if err != nil {
				return netip.Addr{}, netip.Addr{}, err
			}
			for _, r := range out.Reservations {
				for _, i := range r.Instances {
					private, _ := netip.ParseAddr(aws.ToString(i.PrivateIpAddress))
					public, _ := netip.ParseAddr(aws.ToString(i.PublicIpAddress))
					return private, public, nil
				}
			}
		}
		return netip.Addr{}, netip.Addr{}, nil
	}
}
