package ami

import (
	"context"
	"fmt"
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
// creates a temporary group admitting TCP ssh_port only from where the SSH
// connection comes from (sshSource), or nothing (NoIngress). When that depends on the instance's
// address (ssh_interface), StepAllowSSH adds the rule once it is known;
// otherwise (CIDRs given, ssh_host, the public-IP option) the source is
// found first, so a build that cannot tell fails before creating anything.
// Uses: stateVpcID. Puts: stateSecurityGroupIDs, stateTemporaryGroup (when
// the rule is left to StepAllowSSH).
type StepSecurityGroup struct {
	EC2         securityGroupEC2
	GroupIDs    []string
	GroupFilter SecurityGroupFilter
	Source      sshSource
	SSHHost     string // ssh_host, when set
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
	if s.NoIngress || s.NoSSH {
		return s.createClosed(ctx, state, vpc)
	}
	var cidrs []string
	if !s.Source.needsDestination() || s.SSHHost != "" {
		if cidrs, err = s.Source.cidrs(ctx, s.SSHHost); err != nil {
			return halt(state, err)
		}
	}
	if err := s.create(ctx, state, vpc, cidrs); err != nil {
		return halt(state, err)
	}
	statePut(state, stateSecurityGroupIDs, []string{s.created})
	if cidrs == nil {
		statePut(state, stateTemporaryGroup, s.created)
		return multistep.ActionContinue
	}
	if err := authorizeSSH(ctx, s.EC2, s.created, s.SSHPort, cidrs, s.Tags, s.Polling); err != nil {
		return halt(state, err)
	}
	return multistep.ActionContinue
}

// createClosed makes a group that admits nothing (Session Manager, or
// communicator "none").
func (s *StepSecurityGroup) createClosed(ctx context.Context, state multistep.StateBag, vpc string) multistep.StepAction {
	why := "SSH goes through Session Manager"
	if s.NoSSH {
		why = "communicator none"
	}
	uiOf(state).Say(fmt.Sprintf("Creating temporary security group %s admitting nothing (%s)", s.Name, why))
	if err := s.createGroup(ctx, state, vpc); err != nil {
		return halt(state, err)
	}
	statePut(state, stateSecurityGroupIDs, []string{s.created})
	return multistep.ActionContinue
}

// create makes the group (uninterruptibly, so its ID is always learnt).
func (s *StepSecurityGroup) create(ctx context.Context, state multistep.StateBag, vpc string, cidrs []string) error {
	from := "the address SSH comes from, once the instance's address is known"
	if cidrs != nil {
		from = strings.Join(cidrs, ", ")
	}
	uiOf(state).Say(fmt.Sprintf("Creating temporary security group %s: TCP %d from %s", s.Name, s.SSHPort, from))
	return s.createGroup(ctx, state, vpc)
}

// createGroup calls CreateSecurityGroup.
func (s *StepSecurityGroup) createGroup(ctx context.Context, state multistep.StateBag, vpc string) error {
	cctx, cancel := uninterruptible(ctx)
	defer cancel()
	out, err := s.EC2.CreateSecurityGroup(cctx, &ec2.CreateSecurityGroupInput{
		GroupName:         aws.String(s.Name),
		Description:       aws.String("Temporary group for Packer's SSH to the build instance"),
		VpcId:             aws.String(vpc),
		TagSpecifications: tagSpecs(temporaryTags(state, s.Tags), ec2types.ResourceTypeSecurityGroup),
	})
	if ec2wait.Code(err) == "InvalidGroup.Duplicate" {
		// A retry after a lost answer: the name is this build's own.
		return s.adopt(cctx, vpc)
	}
	if err != nil {
		return fmt.Errorf("creating temporary security group: %w", err)
	}
	s.created = aws.ToString(out.GroupId)
	return nil
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
