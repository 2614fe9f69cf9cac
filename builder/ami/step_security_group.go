package ami

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type securityGroupEC2 interface {
	DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	CreateSecurityGroup(context.Context, *ec2.CreateSecurityGroupInput, ...func(*ec2.Options)) (*ec2.CreateSecurityGroupOutput, error)
	AuthorizeSecurityGroupIngress(context.Context, *ec2.AuthorizeSecurityGroupIngressInput, ...func(*ec2.Options)) (*ec2.AuthorizeSecurityGroupIngressOutput, error)
	DeleteSecurityGroup(context.Context, *ec2.DeleteSecurityGroupInput, ...func(*ec2.Options)) (*ec2.DeleteSecurityGroupOutput, error)
}

// sgDeleteTimeout bounds retrying the group's deletion: EC2 refuses it
// (DependencyViolation) until the terminated instance has released it.
const sgDeleteTimeout = 3 * time.Minute

// StepSecurityGroup uses security_group_ids / security_group_filter, or
// creates a temporary group admitting TCP ssh_port only from
// temporary_security_group_source_cidrs (default: this machine's address).
// Uses: stateVpcID. Puts: stateSecurityGroupIDs.
type StepSecurityGroup struct {
	EC2         securityGroupEC2
	GroupIDs    []string
	GroupFilter SecurityGroupFilter
	SourceCIDRs []string
	DetectURL   string
	HTTPClient  *http.Client
	SSHPort     int
	Name        string
	Region      string
	Tags        map[string]string
	Polling     ec2wait.Options
	// NoIngress makes the temporary group admit nothing: SSH goes through
	// a Session Manager tunnel, which the instance's agent opens outwards.
	NoIngress bool
	// NoSSH (communicator "none") makes it admit nothing too: nothing
	// connects to the instance.
	NoSSH bool

	created string
}

func (s *StepSecurityGroup) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	vpc, _ := stateGet[string](state, stateVpcID)
	ids, err := s.existing(ctx, vpc)
	if err != nil {
		return halt(state, err)
	}
	if len(ids) > 0 {
		statePut(state, stateSecurityGroupIDs, ids)
		return multistep.ActionContinue
	}
	cidrs, err := s.sources(ctx)
	if err != nil {
		return halt(state, err)
	}
	s.sayCreating(state, cidrs)
	out, err := s.EC2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName:         aws.String(s.Name),
		Description:       aws.String("Temporary group for Packer's SSH to the build instance"),
		VpcId:             aws.String(vpc),
		TagSpecifications: tagSpecs(temporaryTags(state, s.Tags), ec2types.ResourceTypeSecurityGroup),
	})
	if err != nil {
		return halt(state, fmt.Errorf("creating temporary security group: %w", err))
	}
	s.created = aws.ToString(out.GroupId)
	if err := s.authorize(ctx, cidrs); err != nil {
		return halt(state, err)
	}
	statePut(state, stateSecurityGroupIDs, []string{s.created})
	return multistep.ActionContinue
}

// existing returns the configured groups: the IDs, or those the filter
// finds in the build's VPC (a group of another VPC could not be used).
func (s *StepSecurityGroup) existing(ctx context.Context, vpc string) ([]string, error) {
	if len(s.GroupIDs) > 0 || len(s.GroupFilter.Filters) == 0 {
		return s.GroupIDs, nil
	}
	filters := append(ec2Filters(s.GroupFilter.Filters), ec2types.Filter{Name: aws.String("vpc-id"), Values: []string{vpc}})
	out, err := s.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: filters})
	if err != nil {
		return nil, fmt.Errorf("looking up security_group_filter: %w", err)
	}
	if len(out.SecurityGroups) == 0 {
		return nil, fmt.Errorf("no security group in %s matched security_group_filter %v", vpc, s.GroupFilter.Filters)
	}
	var ids []string
	for _, g := range out.SecurityGroups {
		ids = append(ids, aws.ToString(g.GroupId))
	}
	return ids, nil
}

// sources are the CIDRs the group admits SSH from: none with NoIngress.
func (s *StepSecurityGroup) sources(ctx context.Context) ([]string, error) {
	if s.NoIngress || s.NoSSH {
		return nil, nil
	}
	client := s.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	return sourceCIDRs(ctx, client, s.SourceCIDRs, s.DetectURL)
}

func (s *StepSecurityGroup) sayCreating(state multistep.StateBag, cidrs []string) {
	if s.NoSSH {
		uiOf(state).Say(fmt.Sprintf("Creating temporary security group %s admitting nothing (communicator none)", s.Name))
		return
	}
	if s.NoIngress {
		uiOf(state).Say(fmt.Sprintf("Creating temporary security group %s admitting nothing (SSH goes through Session Manager)", s.Name))
		return
	}
	uiOf(state).Say(fmt.Sprintf("Creating temporary security group %s: TCP %d from %s", s.Name, s.SSHPort, strings.Join(cidrs, ", ")))
}

func (s *StepSecurityGroup) authorize(ctx context.Context, cidrs []string) error {
	if s.NoIngress || s.NoSSH {
		return nil
	}
	perm := ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(int32(s.SSHPort)), ToPort: aws.Int32(int32(s.SSHPort))}
	for _, c := range cidrs {
		if p, err := netip.ParsePrefix(c); err == nil && p.Addr().Is6() {
			perm.Ipv6Ranges = append(perm.Ipv6Ranges, ec2types.Ipv6Range{CidrIpv6: aws.String(c)})
			continue
		}
		perm.IpRanges = append(perm.IpRanges, ec2types.IpRange{CidrIp: aws.String(c)})
	}
	_, err := s.EC2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId:           aws.String(s.created),
		IpPermissions:     []ec2types.IpPermission{perm},
		TagSpecifications: tagSpecs(s.Tags, ec2types.ResourceTypeSecurityGroupRule),
	})
	if err != nil {
		return fmt.Errorf("allowing SSH into security group %s: %w", s.created, err)
	}
	return nil
}

func (s *StepSecurityGroup) Cleanup(state multistep.StateBag) {
	if s.created == "" {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	opts := s.Polling
	opts.Timeout = sgDeleteTimeout
	_, err := ec2wait.For(ctx, uiOf(state).Say, "temporary security group "+s.created+" to be deleted", opts,
		func(ctx context.Context) (bool, error) {
			_, err := s.EC2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(s.created)})
			switch {
			case ec2wait.Code(err) == "DependencyViolation":
				return false, nil // the instance still holds it
			case ec2wait.IsNotFound(err):
				return true, nil // already gone
			}
			return err == nil, err
		})
	if err != nil {
		leftBehind(state, "security group", s.created,
			fmt.Sprintf("aws ec2 delete-security-group --region %s --group-id %s", s.Region, s.created), err)
		return
	}
	s.created = ""
}
