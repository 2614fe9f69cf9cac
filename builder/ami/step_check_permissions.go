package ami

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// Well-formed IDs that name nothing: a dry run needs an ID to ask about.
const (
	noInstance = "i-00000000000000000"
	noImage    = "ami-00000000000000000"
	noSnapshot = "snap-00000000000000000"
	noVolume   = "vol-00000000000000000"
	noGroup    = "sg-00000000000000000"
)

// StepCheckPermissions asks EC2, with DryRun and before anything is
// created, whether the build may make the calls that only cleanup makes:
// without them a build would create things it cannot remove. A build
// call the identity may not make fails where it is made, naming the
// permission (halt); these would only fail once it is too late. EC2
// answers a dry run with DryRunOperation when the call is permitted and
// UnauthorizedOperation when not; any other answer (an ID EC2 checks
// before the permission) cannot tell, and passes.
// Uses: nothing. Puts: stateCreating.
type StepCheckPermissions struct {
	EC2 permissionsEC2
	// What the build will make, so only the removals it needs are asked.
	TemporaryKey, TemporaryGroup, Images, Spot bool
	KeyName                                    string
}

func (s *StepCheckPermissions) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	var missing []string
	for _, check := range s.checks() {
		if err := check(ctx); ec2wait.IsAccessDenied(err) {
			missing = append(missing, ec2wait.MissingPermission(err))
		}
	}
	if len(missing) > 0 {
		return halt(state, fmt.Errorf("the build's AWS identity is missing the IAM permissions %s, which removing what "+
			"the build creates needs; nothing was created: grant them (the builder's minimal IAM policy: docs/iam-policy.json)",
			strings.Join(missing, ", ")))
	}
	statePut(state, stateCreating, true)
	return multistep.ActionContinue
}

func (s *StepCheckPermissions) Cleanup(multistep.StateBag) {}

type check func(context.Context) error

// checks are the dry runs of every cleanup call this build may make.
func (s *StepCheckPermissions) checks() []check {
	c, dry := s.EC2, aws.Bool(true)
	checks := []check{
		func(ctx context.Context) error {
			_, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{noInstance}, DryRun: dry})
			return err
		},
		func(ctx context.Context) error {
			_, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{DryRun: dry})
			return err
		},
		func(ctx context.Context) error {
			_, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(noVolume), DryRun: dry})
			return err
		},
	}
	if s.TemporaryKey {
		checks = append(checks, func(ctx context.Context) error {
			_, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{DryRun: dry})
			return err
		}, func(ctx context.Context) error {
			_, err := c.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String(s.KeyName), DryRun: dry})
			return err
		})
	}
	if s.TemporaryGroup {
		checks = append(checks, func(ctx context.Context) error {
			_, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{DryRun: dry})
			return err
		}, func(ctx context.Context) error {
			_, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(noGroup), DryRun: dry})
			return err
		})
	}
	if s.Images {
		checks = append(checks, s.imageChecks()...)
	}
	if s.Spot {
		checks = append(checks, s.spotChecks()...)
	}
	return checks
}
