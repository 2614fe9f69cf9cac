package ami

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type temporaryProfileIAM interface {
	CreateRole(context.Context, *iam.CreateRoleInput, ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	PutRolePolicy(context.Context, *iam.PutRolePolicyInput, ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
	CreateInstanceProfile(context.Context, *iam.CreateInstanceProfileInput, ...func(*iam.Options)) (*iam.CreateInstanceProfileOutput, error)
	AddRoleToInstanceProfile(context.Context, *iam.AddRoleToInstanceProfileInput, ...func(*iam.Options)) (*iam.AddRoleToInstanceProfileOutput, error)
	getInstanceProfileIAM
	temporaryProfileCleanupIAM
}

// profileVisibleTimeout bounds the wait for a new instance profile to show
// up in IAM's reads (IAM is eventually consistent).
const profileVisibleTimeout = 2 * time.Minute

// StepTemporaryInstanceProfile makes the build's own IAM role (trusted by
// EC2, with temporary_iam_instance_profile_policy_document inline) and an
// instance profile holding it, all named Name and tagged with the build,
// and waits until IAM shows the profile. Cleanup undoes each part that was
// made, in reverse, and prints the commands for what it could not.
// Uses: nothing. Puts: stateInstanceProfile.
type StepTemporaryInstanceProfile struct {
	IAM     clientFor[temporaryProfileIAM]
	Region  string
	Policy  *PolicyDocument
	Name    string
	Tags    map[string]string
	Polling ec2wait.Options

	client temporaryProfileIAM
	made   temporaryProfile
}

func (s *StepTemporaryInstanceProfile) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	client, err := s.IAM(ctx, s.Region)
	if err != nil {
		return halt(state, err)
	}
	s.client = client
	policy, err := json.Marshal(s.Policy)
	if err != nil {
		return halt(state, fmt.Errorf("encoding temporary_iam_instance_profile_policy_document: %w", err))
	}
	uiOf(state).Say(fmt.Sprintf("Creating temporary IAM role and instance profile %s ...", s.Name))
	// The create calls are not cancelled by Ctrl-C: what they make is
	// always learned, so Cleanup can remove it.
	cctx, cancel := uninterruptible(ctx)
	defer cancel()
	for _, create := range s.creates(string(policy)) {
		if ctx.Err() != nil {
			return halt(state, ctx.Err())
		}
		if err := create(cctx); err != nil {
			return halt(state, err)
		}
	}
	if err := s.waitVisible(ctx, state); err != nil {
		return halt(state, err)
	}
	statePut(state, stateInstanceProfile, s.Name)
	return multistep.ActionContinue
}

// waitVisible waits until IAM shows the profile with its role.
func (s *StepTemporaryInstanceProfile) waitVisible(ctx context.Context, state multistep.StateBag) error {
	opts := s.Polling
	opts.Timeout = profileVisibleTimeout
	_, err := ec2wait.For(ctx, uiOf(state).Say, "instance profile "+s.Name+" to be visible in IAM", opts,
		func(ctx context.Context) (bool, error) {
			out, err := s.client.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(s.Name)})
			if ec2wait.Code(err) == "NoSuchEntity" {
				return false, nil
			}
			return err == nil && len(out.InstanceProfile.Roles) > 0, err
		})
	if err != nil {
		return fmt.Errorf("temporary instance profile %s: %w", s.Name, err)
	}
	return nil
}

func (s *StepTemporaryInstanceProfile) Cleanup(state multistep.StateBag) {
	if s.made == (temporaryProfile{}) {
		return
	}
	uiOf(state).Say(fmt.Sprintf("Deleting temporary IAM role and instance profile %s ...", s.Name))
	ctx, cancel := cleanupContext()
	defer cancel()
	s.made = s.made.remove(ctx, state, s.client, s.Name)
}
