package ami

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/google/uuid"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// launch calls RunInstances until EC2 takes it and returns the instance's
// ID: uninterruptibly (Ctrl-C during a retry must not lose an instance
// that was launched) and with one client token, so no retry — the SDK's or
// ours — launches twice (docs.aws.amazon.com/ec2/latest/devguide/
// ec2-api-idempotency.html). Refusals that pass within seconds are asked
// again, bounded: a security group created moments ago
// (InvalidGroup.NotFound, hashicorp/packer#4368) and an instance profile
// created moments ago ("Invalid IAM Instance Profile name",
// hashicorp/packer#9516, #12303).
func (s *StepRunInstance) launch(ctx context.Context, state multistep.StateBag, in *ec2.RunInstancesInput) (string, error) {
	if s.token == "" {
		s.token = uuid.NewString()
	}
	in.ClientToken = aws.String(s.token)
	cctx, cancel := uninterruptible(ctx)
	defer cancel()
	opts := s.Instance.Polling
	opts.Timeout = profileRetryTimeout
	var out *ec2.RunInstancesOutput
	var refused error
	_, err := ec2wait.For(cctx, nil, "EC2 to accept the launch", opts, func(ctx context.Context) (bool, error) {
		var err error
		out, err = s.EC2.RunInstances(ctx, in)
		if profileNotYetKnown(err) {
			if refused == nil {
				uiOf(state).Say(fmt.Sprintf("EC2 does not know instance profile %s yet (IAM changes reach EC2 after seconds); retrying ...",
					aws.ToString(in.IamInstanceProfile.Name)+aws.ToString(in.IamInstanceProfile.Arn)))
			}
			log.Printf("[DEBUG] RunInstances: %v", err)
			refused = err
			return false, nil
		}
		return err == nil, err
	})
	return s.launchOutcome(in, out, err, refused)
}

// launchOutcome turns launch's outcome into the instance ID or an error that
// says what to do.
func (s *StepRunInstance) launchOutcome(in *ec2.RunInstancesInput, out *ec2.RunInstancesOutput, err, refused error) (string, error) {
	switch {
	case errors.Is(err, ec2wait.ErrTimeout) && refused != nil:
		profile := aws.ToString(in.IamInstanceProfile.Name) + aws.ToString(in.IamInstanceProfile.Arn)
		return "", fmt.Errorf("launching the build instance: EC2 still refuses instance profile %s after %s: check iam_instance_profile: %w",
			profile, profileRetryTimeout, refused)
	case ec2wait.IsCapacity(err):
		return "", fmt.Errorf("launching the build instance: EC2 has no capacity for instance_type %s in this zone now "+
			"(try another instance_type, or a subnet_id in another zone): %w", in.InstanceType, err)
	case err != nil:
		return "", fmt.Errorf("launching the build instance: %w", err)
	case len(out.Instances) == 0:
		return "", errors.New("launching the build instance: EC2 returned no instance")
	}
	return aws.ToString(out.Instances[0].InstanceId), nil
}
