package ami

import (
	"context"
	"fmt"
	"log"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// spotTerminationReason is the state reason of an instance EC2 took back.
const spotTerminationReason = "Server.SpotInstanceTermination"

// interruptionCodes are the Spot request status codes EC2 sets when it
// takes the capacity back: the 2-minute interruption notice (marked-for-…)
// and what follows it.
var interruptionCodes = []string{
	"marked-for-termination", "marked-for-stop", "marked-for-stop-by-experiment",
	"instance-terminated-by-price", "instance-terminated-no-capacity",
	"instance-terminated-capacity-oversubscribed", "instance-terminated-launch-group-constraint",
	"instance-stopped-by-price", "instance-stopped-no-capacity",
}

// inspect finds the instance's Spot request (for cancelling it) and, when
// the build failed, whether EC2 interrupted the instance: then the build's
// error becomes one that says so and what to do, wrapping the original.
func (s *StepRunSpotInstance) inspect(ctx context.Context, state multistep.StateBag) *ec2types.SpotInstanceRequest {
	if s.instance == "" {
		return nil
	}
	var inst ec2types.Instance
	if out, err := s.EC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{s.instance}}); err == nil &&
		len(out.Reservations) > 0 && len(out.Reservations[0].Instances) > 0 {
		inst = out.Reservations[0].Instances[0]
	}
	request := s.spotRequest(ctx, inst)
	if !buildFailed(state) {
		return request
	}
	if why := interruption(inst, request); why != "" {
		cause, _ := stateGet[error](state, stateError)
		err := fmt.Errorf("EC2 interrupted the Spot Instance %s (%s): it took the Spot capacity back. "+
			"Run the build again, list more spot_instance_types (each type is another capacity pool), "+
			"or build on demand (remove spot_price). The build stopped at: %w", s.instance, why, cause)
		statePut(state, stateError, err)
		uiOf(state).Error(err.Error())
	}
	return request
}

// spotRequest is the instance's Spot request: EC2 names it on the instance;
// else (moto) it is found by instance ID.
func (s *StepRunSpotInstance) spotRequest(ctx context.Context, inst ec2types.Instance) *ec2types.SpotInstanceRequest {
	in := &ec2.DescribeSpotInstanceRequestsInput{
		Filters: []ec2types.Filter{{Name: aws.String("instance-id"), Values: []string{s.instance}}}}
	if id := aws.ToString(inst.SpotInstanceRequestId); id != "" {
		in = &ec2.DescribeSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{id}}
	}
	out, err := s.EC2.DescribeSpotInstanceRequests(ctx, in)
	if err != nil || len(out.SpotInstanceRequests) == 0 {
		log.Printf("[WARN] no Spot request found for instance %s: %v", s.instance, err)
		return nil
	}
	return &out.SpotInstanceRequests[0]
}

// interruption says how EC2 took the instance back, or "" if it did not.
func interruption(inst ec2types.Instance, request *ec2types.SpotInstanceRequest) string {
	var why []string
	if r := inst.StateReason; r != nil && aws.ToString(r.Code) == spotTerminationReason {
		why = append(why, fmt.Sprintf("instance %s: %s", inst.State.Name, aws.ToString(r.Message)))
	}
	if request != nil && request.Status != nil && slices.Contains(interruptionCodes, aws.ToString(request.Status.Code)) {
		why = append(why, fmt.Sprintf("Spot request %s: %s", aws.ToString(request.SpotInstanceRequestId), aws.ToString(request.Status.Code)))
	}
	return strings.Join(why, "; ")
}

// deleteFleets deletes every fleet Run made. An instant fleet can only be
// deleted with its instances, which EC2 then terminates.
func (s *StepRunSpotInstance) deleteFleets(ctx context.Context, state multistep.StateBag) {
	for _, id := range s.fleets {
		manual := fmt.Sprintf("aws ec2 delete-fleets --region %s --fleet-ids %s --terminate-instances", s.Instance.Region, id)
		out, err := s.EC2.DeleteFleets(ctx, &ec2.DeleteFleetsInput{FleetIds: []string{id}, TerminateInstances: aws.Bool(true)})
		if err == nil && len(out.UnsuccessfulFleetDeletions) > 0 {
			if e := out.UnsuccessfulFleetDeletions[0].Error; e != nil && e.Code != ec2types.DeleteFleetErrorCodeFleetIdDoesNotExist {
				err = fmt.Errorf("%s: %s", e.Code, aws.ToString(e.Message))
			}
		}
		if err != nil && !ec2wait.IsNotFound(err) {
			leftBehind(state, "fleet", id, manual, err)
		}
	}
	s.fleets = nil
}

// cancelSpotRequest cancels the Spot request if it is still open or
// active. Deleting the fleet cancels it on EC2, so it is read again first;
// moto leaves it active.
func (s *StepRunSpotInstance) cancelSpotRequest(ctx context.Context, state multistep.StateBag, request *ec2types.SpotInstanceRequest) {
	if request == nil {
		return
	}
	id := aws.ToString(request.SpotInstanceRequestId)
	out, err := s.EC2.DescribeSpotInstanceRequests(ctx, &ec2.DescribeSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{id}})
	switch {
	case ec2wait.IsNotFound(err):
		return
	case err == nil && (len(out.SpotInstanceRequests) == 0 || !pendingRequest(out.SpotInstanceRequests[0].State)):
		return
	}
	_, err = s.EC2.CancelSpotInstanceRequests(ctx, &ec2.CancelSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{id}})
	if err != nil && !ec2wait.IsNotFound(err) {
		leftBehind(state, "Spot request", id, fmt.Sprintf("aws ec2 cancel-spot-instance-requests --region %s --spot-instance-request-ids %s", s.Instance.Region, id), err)
	}
}

// pendingRequest: a Spot request in this state could still launch.
func pendingRequest(st ec2types.SpotInstanceState) bool {
	return st == ec2types.SpotInstanceStateOpen || st == ec2types.SpotInstanceStateActive || st == ec2types.SpotInstanceStateDisabled
}

// deleteTemplate deletes the launch template.
func (s *StepRunSpotInstance) deleteTemplate(ctx context.Context, state multistep.StateBag) {
	_, err := s.EC2.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(s.template)})
	// EC2 answers InvalidLaunchTemplateId.NotFound, moto …NotFoundException.
	if err != nil && !strings.Contains(ec2wait.Code(err), "NotFound") {
		leftBehind(state, "launch template", s.template, fmt.Sprintf("aws ec2 delete-launch-template --region %s --launch-template-id %s", s.Instance.Region, s.template), err)
		return
	}
	s.template = ""
}
