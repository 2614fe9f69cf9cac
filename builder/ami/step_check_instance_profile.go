package ami

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type getInstanceProfileIAM interface {
	GetInstanceProfile(context.Context, *iam.GetInstanceProfileInput, ...func(*iam.Options)) (*iam.GetInstanceProfileOutput, error)
}

// StepCheckInstanceProfile checks that iam_instance_profile exists before
// anything is launched (amazon-ebs does the same unless
// skip_profile_validation), so a typo fails in seconds. With
// session_manager the profile must also hold a role, or the SSM agent on
// the instance can never register.
// Uses: nothing. Puts: nothing.
type StepCheckInstanceProfile struct {
	IAM            clientFor[getInstanceProfileIAM]
	Region         string
	Profile        string // a name or an instance-profile ARN
	SessionManager bool
}

func (s *StepCheckInstanceProfile) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	client, err := s.IAM(ctx, s.Region)
	if err != nil {
		return halt(state, err)
	}
	name := profileName(s.Profile)
	uiOf(state).Say(fmt.Sprintf("Checking instance profile %s ...", name))
	out, err := client.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(name)})
	switch {
	case ec2wait.Code(err) == "NoSuchEntity":
		return halt(state, fmt.Errorf("iam_instance_profile %q: no instance profile of that name in this account: "+
			"fix the name, or create it first: %w", s.Profile, err))
	case ec2wait.IsAccessDenied(err):
		return halt(state, fmt.Errorf("iam_instance_profile %q cannot be checked with these credentials (iam:GetInstanceProfile): "+
			"allow that action, or set skip_profile_validation = true: %w", s.Profile, err))
	case err != nil:
		return halt(state, fmt.Errorf("checking iam_instance_profile %q: %w", s.Profile, err))
	}
	if s.SessionManager && len(out.InstanceProfile.Roles) == 0 {
		return halt(state, fmt.Errorf("iam_instance_profile %q has no role, so the SSM agent on the instance cannot register "+
			"and ssh_interface = %q cannot connect: add a role with AmazonSSMManagedInstanceCore to it", s.Profile, sessionManager))
	}
	return multistep.ActionContinue
}

func (s *StepCheckInstanceProfile) Cleanup(multistep.StateBag) {}

// profileName is the name in an instance profile ARN
// (arn:aws:iam::123456789012:instance-profile/path/name), or p itself.
func profileName(p string) string {
	if !strings.HasPrefix(p, "arn:") {
		return p
	}
	return p[strings.LastIndex(p, "/")+1:]
}
