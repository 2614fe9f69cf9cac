package ami

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go"
	"github.com/google/uuid"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// askFleet makes one attempt at the fleet. Its calls carry one client
// token, so a call whose answer was lost and is made again cannot make a
// second fleet; each fleet EC2 answers with is remembered for Cleanup at
// once. While EC2 refuses the instance profile as unknown (a profile IAM
// made moments ago, as for RunInstances) it asks again, for up to
// profileRetryTimeout, with a new token once a refused call made a fleet.
func (s *StepRunSpotInstance) askFleet(ctx context.Context, state multistep.StateBag, in *ec2.CreateFleetInput) (*ec2.CreateFleetOutput, error) {
	in.ClientToken = aws.String(uuid.NewString())
	opts := s.Instance.Polling
	opts.Timeout = profileRetryTimeout
	var out *ec2.CreateFleetOutput
	var last, refused error
	_, err := ec2wait.For(ctx, nil, "EC2 to accept the instance profile", opts, func(ctx context.Context) (bool, error) {
		out, last = s.callFleet(ctx, in)
		if r := profileRefused(out, last); r != nil {
			if refused == nil {
				uiOf(state).Say("EC2 does not know the instance profile yet (IAM changes reach EC2 after seconds); retrying ...")
			}
			refused = r
			if out != nil {
				in.ClientToken = aws.String(uuid.NewString())
			}
			return false, nil
		}
		return last == nil, last
	})
	switch {
	case errors.Is(err, ec2wait.ErrTimeout) && refused != nil:
		return nil, fmt.Errorf("EC2 still refuses the instance profile after %s: check iam_instance_profile: %w", profileRetryTimeout, refused)
	case err != nil && last != nil:
		return nil, fmt.Errorf("creating the EC2 Fleet for the Spot Instance: %w", last)
	case err != nil:
		return nil, fmt.Errorf("creating the EC2 Fleet for the Spot Instance: %w", err)
	}
	return out, nil
}

// callFleet is one CreateFleet call, not interrupted by Ctrl-C: the fleet
// ID must come back to be deleted.
func (s *StepRunSpotInstance) callFleet(ctx context.Context, in *ec2.CreateFleetInput) (*ec2.CreateFleetOutput, error) {
	cctx, cancel := uninterruptible(ctx)
	defer cancel()
	out, err := s.EC2.CreateFleet(cctx, in)
	if err != nil {
		return nil, err
	}
	if id := aws.ToString(out.FleetId); id != "" {
		s.fleets = append(s.fleets, id)
	}
	return out, nil
}

// profileRefused is EC2's refusal of the instance profile as unknown,
// whether CreateFleet answers with it as an error or as the reason it
// launched nothing; nil otherwise.
func profileRefused(out *ec2.CreateFleetOutput, err error) error {
	if profileNotYetKnown(err) {
		return err
	}
	if out == nil || fleetInstance(out) != "" || len(out.Errors) == 0 {
		return nil
	}
	for _, e := range out.Errors {
		if !profileNotYetKnown(&smithy.GenericAPIError{Code: aws.ToString(e.ErrorCode), Message: aws.ToString(e.ErrorMessage)}) {
			return nil
		}
	}
	return errors.New(describeFleetError(out.Errors[0]))
}
