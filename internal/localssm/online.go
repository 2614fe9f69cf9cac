package localssm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// MotoTargets judges from EC2 and IAM, as moto holds them, whether an
// instance's SSM agent could be online on AWS: the instance runs, booted
// AgentDelay ago (the agent registers after boot), and has an instance
// profile whose role allows the agent's actions.
type MotoTargets struct {
	motoURL string
	iam     *iam.Client
	// Booted says since when the host has run the instance (the local
	// cloud boots it after EC2 says "running"); nil means EC2's launch
	// time.
	Booted     func(instanceID string) (time.Time, bool)
	AgentDelay time.Duration
}

// NewMotoTargets reads EC2 and IAM from the moto at motoURL.
func NewMotoTargets(motoURL string, agentDelay time.Duration) *MotoTargets {
	return &MotoTargets{motoURL: motoURL, AgentDelay: agentDelay, iam: iam.New(iam.Options{Region: "us-east-1",
		BaseEndpoint: aws.String(motoURL), Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})}
}

// Online says why the instance's agent is not online, or nil.
func (m *MotoTargets) Online(ctx context.Context, region, id string) error {
	inst, err := m.instance(ctx, region, id)
	if err != nil {
		return err
	}
	if inst.State == nil || inst.State.Name != ec2types.InstanceStateNameRunning {
		return fmt.Errorf("instance %s is not running", id)
	}
	since, booted := aws.ToTime(inst.LaunchTime), true
	if m.Booted != nil {
		since, booted = m.Booted(id)
	}
	if !booted || time.Since(since) < m.AgentDelay {
		return fmt.Errorf("the agent of %s registers %s after boot", id, m.AgentDelay)
	}
	if inst.IamInstanceProfile == nil {
		return fmt.Errorf("instance %s has no instance profile: its agent cannot register", id)
	}
	return m.profileAllows(ctx, aws.ToString(inst.IamInstanceProfile.Arn))
}

func (m *MotoTargets) instance(ctx context.Context, region, id string) (ec2types.Instance, error) {
	if region == "" {
		region = "us-east-1"
	}
	c := ec2.New(ec2.Options{Region: region, BaseEndpoint: aws.String(m.motoURL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		return ec2types.Instance{}, fmt.Errorf("instance %s: %w", id, err)
	}
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			return i, nil
		}
	}
	return ec2types.Instance{}, fmt.Errorf("no instance %s in %s", id, region)
}

// profileAllows checks the profile's role allows every agent action.
func (m *MotoTargets) profileAllows(ctx context.Context, arn string) error {
	name := arn[strings.LastIndex(arn, "/")+1:]
	p, err := m.iam.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(name)})
	if err != nil {
		return fmt.Errorf("instance profile %s: %w", name, err)
	}
	if len(p.InstanceProfile.Roles) == 0 {
		return fmt.Errorf("instance profile %s has no role", name)
	}
	role := aws.ToString(p.InstanceProfile.Roles[0].RoleName)
	stmts, err := m.roleStatements(ctx, role)
	if err != nil {
		return err
	}
	if missing := missingActions(stmts); len(missing) > 0 {
		return fmt.Errorf("role %s of instance profile %s does not allow %s", role, name, strings.Join(missing, ", "))
	}
	return nil
}

// roleStatements are the statements of the role's inline and attached
// policies.
func (m *MotoTargets) roleStatements(ctx context.Context, role string) ([]statement, error) {
	var all []statement
	inline, err := m.iam.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		return nil, fmt.Errorf("role %s: %w", role, err)
	}
	for _, name := range inline.PolicyNames {
		p, err := m.iam.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name)})
		if err != nil {
			return nil, fmt.Errorf("role %s policy %s: %w", role, name, err)
		}
		stmts, err := parsePolicy(aws.ToString(p.PolicyDocument))
		if err != nil {
			return nil, fmt.Errorf("role %s policy %s: %w", role, name, err)
		}
		all = append(all, stmts...)
	}
	attached, err := m.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		return nil, fmt.Errorf("role %s: %w", role, err)
	}
	for _, a := range attached.AttachedPolicies {
		stmts, err := m.managedStatements(ctx, aws.ToString(a.PolicyArn))
		if err != nil {
			return nil, err
		}
		all = append(all, stmts...)
	}
	return all, nil
}

// managedStatements reads a managed policy's default version. AWS's
// AmazonSSMManagedInstanceCore is known without asking (moto loads AWS's
// managed policies only when told to).
func (m *MotoTargets) managedStatements(ctx context.Context, arn string) ([]statement, error) {
	if arn == managedCore {
		return []statement{{Effect: "Allow", Action: agentActions}}, nil
	}
	p, err := m.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", arn, err)
	}
	v, err := m.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: p.Policy.DefaultVersionId})
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", arn, err)
	}
	return parsePolicy(aws.ToString(v.PolicyVersion.Document))
}
