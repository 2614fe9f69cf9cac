package ami

import (
	"cmp"
	"context"
	"fmt"
	"log"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type temporaryProfileCleanupIAM interface {
	RemoveRoleFromInstanceProfile(context.Context, *iam.RemoveRoleFromInstanceProfileInput, ...func(*iam.Options)) (*iam.RemoveRoleFromInstanceProfileOutput, error)
	DeleteInstanceProfile(context.Context, *iam.DeleteInstanceProfileInput, ...func(*iam.Options)) (*iam.DeleteInstanceProfileOutput, error)
	DeleteRolePolicy(context.Context, *iam.DeleteRolePolicyInput, ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
	DeleteRole(context.Context, *iam.DeleteRoleInput, ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
}

// ec2TrustPolicy lets EC2 instances assume the role (what an instance
// profile's role needs).
const ec2TrustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// temporaryProfile is what StepTemporaryInstanceProfile has made so far.
type temporaryProfile struct {
	role, policy, profile, attached bool
}

// creates are the IAM calls that make the role and profile, in order;
// each records what it made.
func (s *StepTemporaryInstanceProfile) creates(policy string) []func(context.Context) error {
	name := aws.String(s.Name)
	return []func(context.Context) error{
		func(ctx context.Context) error {
			_, err := s.client.CreateRole(ctx, &iam.CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: aws.String(ec2TrustPolicy),
				Description: aws.String("Temporary role of an immutable-ami build, deleted when it ends"), Tags: iamTags(s.Tags)})
			s.made.role = err == nil
			return wrapIAM("creating temporary role", s.Name, err)
		},
		func(ctx context.Context) error {
			_, err := s.client.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: name, PolicyName: name, PolicyDocument: aws.String(policy)})
			s.made.policy = err == nil
			return wrapIAM("putting temporary_iam_instance_profile_policy_document on role", s.Name, err)
		},
		func(ctx context.Context) error {
			_, err := s.client.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: name, Tags: iamTags(s.Tags)})
			s.made.profile = err == nil
			return wrapIAM("creating temporary instance profile", s.Name, err)
		},
		func(ctx context.Context) error {
			_, err := s.client.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: name, RoleName: name})
			s.made.attached = err == nil
			return wrapIAM("adding the temporary role to instance profile", s.Name, err)
		},
	}
}

func wrapIAM(doing, name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %s: %w", doing, name, err)
}

// remove undoes what was made, in reverse order, and returns what is left.
// Parts already gone count as removed; for the others it prints the exact
// commands, in the order they must run.
func (t temporaryProfile) remove(ctx context.Context, state multistep.StateBag, c temporaryProfileCleanupIAM, name string) temporaryProfile {
	n := aws.String(name)
	steps := []struct {
		made    *bool
		call    func() error
		command string
	}{
		{&t.attached, func() error {
			_, err := c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: n, RoleName: n})
			return err
		}, "aws iam remove-role-from-instance-profile --instance-profile-name " + name + " --role-name " + name},
		{&t.profile, func() error {
			_, err := c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: n})
			return err
		}, "aws iam delete-instance-profile --instance-profile-name " + name},
		{&t.policy, func() error {
			_, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: n, PolicyName: n})
			return err
		}, "aws iam delete-role-policy --role-name " + name + " --policy-name " + name},
		{&t.role, func() error { _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: n}); return err },
			"aws iam delete-role --role-name " + name},
	}
	var commands []string
	var firstErr error
	for _, st := range steps {
		if !*st.made {
			continue
		}
		if err := st.call(); err != nil && ec2wait.Code(err) != "NoSuchEntity" {
			log.Printf("[ERROR] %s: %v", st.command, err)
			commands, firstErr = append(commands, st.command), cmp.Or(firstErr, err)
			continue
		}
		*st.made = false
	}
	if len(commands) > 0 {
		leftBehind(state, "temporary IAM role/instance profile", name, strings.Join(commands, "\n  "), firstErr)
	}
	return t
}

// iamTags turns a map into IAM tags, sorted by key.
func iamTags(m map[string]string) []iamtypes.Tag {
	tags := make([]iamtypes.Tag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		tags = append(tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return tags
}
