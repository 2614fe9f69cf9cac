package ami

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// profileRetryTimeout bounds asking RunInstances again while EC2 does not
// know an instance profile yet. IAM changes reach EC2 seconds after IAM
// answers for them: RunInstances naming a new profile fails with
// InvalidParameterValue "Invalid IAM Instance Profile name" meanwhile
// (amazon-ebs retries it too).
const profileRetryTimeout = 2 * time.Minute

// launch calls RunInstances, asking again (bounded) while EC2 refuses the
// instance profile as unknown. Nothing is launched by a refused call, and
// the SDK's client token makes the calls one launch anyway.
func (s *StepRunInstance) launch(ctx context.Context, state multistep.StateBag, in *ec2.RunInstancesInput) (*ec2.RunInstancesOutput, error) {
	if in.IamInstanceProfile == nil {
		return s.EC2.RunInstances(ctx, in)
	}
	profile := aws.ToString(in.IamInstanceProfile.Name) + aws.ToString(in.IamInstanceProfile.Arn)
	opts := s.Instance.Polling
	opts.Timeout = profileRetryTimeout
	var out *ec2.RunInstancesOutput
	var refused error
	_, err := ec2wait.For(ctx, nil, "EC2 to accept instance profile "+profile, opts, func(ctx context.Context) (bool, error) {
		var err error
		out, err = s.EC2.RunInstances(ctx, in)
		if profileNotYetKnown(err) {
			if refused == nil {
				uiOf(state).Say(fmt.Sprintf("EC2 does not know instance profile %s yet (IAM changes reach EC2 after seconds); retrying ...", profile))
			}
			log.Printf("[DEBUG] RunInstances: %v", err)
			refused = err
			return false, nil
		}
		return err == nil, err
	})
	if errors.Is(err, ec2wait.ErrTimeout) && refused != nil {
		return nil, fmt.Errorf("EC2 still refuses instance profile %s after %s: check iam_instance_profile: %w", profile, profileRetryTimeout, refused)
	}
	return out, err
}

// profileNotYetKnown reports whether RunInstances refused the instance
// profile as invalid, which is how EC2 answers for a profile IAM made
// moments ago.
func profileNotYetKnown(err error) bool {
	if ec2wait.Code(err) != "InvalidParameterValue" {
		return false
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "iaminstanceprofile") || strings.Contains(msg, "invalid iam instance profile")
}
