package ami

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type authorizeEC2 interface {
	AuthorizeSecurityGroupIngress(context.Context, *ec2.AuthorizeSecurityGroupIngressInput, ...func(*ec2.Options)) (*ec2.AuthorizeSecurityGroupIngressOutput, error)
}

// StepAllowSSH adds the temporary group's SSH rule once the instance's
// address is known, when the source depends on it (StepSecurityGroup left
// stateTemporaryGroup). The rule goes with the group: no Cleanup.
// Uses: stateTemporaryGroup, stateSSHHost. Puts: nothing.
type StepAllowSSH struct {
	EC2     authorizeEC2
	Source  sshSource
	SSHPort int
	Tags    map[string]string
	Polling ec2wait.Options
}

func (s *StepAllowSSH) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	group, ok := stateGet[string](state, stateTemporaryGroup)
	if !ok || group == "" {
		return multistep.ActionContinue
	}
	host, _ := stateGet[string](state, stateSSHHost)
	cidrs, err := s.Source.cidrs(ctx, host)
	if err != nil {
		return halt(state, err)
	}
	uiOf(state).Say(fmt.Sprintf("Allowing SSH into %s: TCP %d from %s (the source of a connection to %s)",
		group, s.SSHPort, strings.Join(cidrs, ", "), host))
	if err := authorizeSSH(ctx, s.EC2, group, s.SSHPort, cidrs, s.Tags, s.Polling); err != nil {
		return halt(state, err)
	}
	return multistep.ActionContinue
}

func (s *StepAllowSSH) Cleanup(multistep.StateBag) {}

// authorizeSSH admits TCP port from cidrs into group, and nothing else. A
// group made moments ago may be unknown to EC2 for seconds
// (InvalidGroup.NotFound, hashicorp/packer#4368): retried.
func authorizeSSH(ctx context.Context, c authorizeEC2, group string, port int, cidrs []string, tags map[string]string, opts ec2wait.Options) error {
	perm := ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(int32(port)), ToPort: aws.Int32(int32(port))}
	for _, c := range cidrs {
		if p, err := netip.ParsePrefix(c); err == nil && p.Addr().Is6() {
			perm.Ipv6Ranges = append(perm.Ipv6Ranges, ec2types.Ipv6Range{CidrIpv6: aws.String(c)})
			continue
		}
		perm.IpRanges = append(perm.IpRanges, ec2types.IpRange{CidrIp: aws.String(c)})
	}
	err := ec2wait.Retry(ctx, "allowing SSH into "+group, opts, func(ctx context.Context) error {
		_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
			GroupId:           aws.String(group),
			IpPermissions:     []ec2types.IpPermission{perm},
			TagSpecifications: tagSpecs(tags, ec2types.ResourceTypeSecurityGroupRule),
		})
		if ec2wait.Code(err) == "InvalidPermission.Duplicate" {
			return nil // a retry after a lost answer: the rule is there
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("allowing SSH into security group %s: %w", group, err)
	}
	return nil
}
