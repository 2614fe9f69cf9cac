package ami

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/uuid"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

type runSpotInstanceEC2 interface {
	CreateLaunchTemplate(context.Context, *ec2.CreateLaunchTemplateInput, ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateOutput, error)
	DeleteLaunchTemplate(context.Context, *ec2.DeleteLaunchTemplateInput, ...func(*ec2.Options)) (*ec2.DeleteLaunchTemplateOutput, error)
	CreateFleet(context.Context, *ec2.CreateFleetInput, ...func(*ec2.Options)) (*ec2.CreateFleetOutput, error)
	DeleteFleets(context.Context, *ec2.DeleteFleetsInput, ...func(*ec2.Options)) (*ec2.DeleteFleetsOutput, error)
	DescribeSpotInstanceRequests(context.Context, *ec2.DescribeSpotInstanceRequestsInput, ...func(*ec2.Options)) (*ec2.DescribeSpotInstanceRequestsOutput, error)
	CancelSpotInstanceRequests(context.Context, *ec2.CancelSpotInstanceRequestsInput, ...func(*ec2.Options)) (*ec2.CancelSpotInstanceRequestsOutput, error)
	buildInstanceEC2
}

// StepRunSpotInstance launches the build instance as a Spot Instance, as
// amazon-ebs does: a launch template made from the same launch request the
// on-demand step sends, then an instant EC2 Fleet for one Spot Instance
// with one override per instance type, in the subnet StepNetworkInfo
// chose. It then waits for the instance like the on-demand step. Cleanup
// deletes the fleet, terminates the instance (and its kept volumes),
// cancels the Spot request and deletes the launch template; when the build
// failed because EC2 interrupted the instance, the build's error says so.
// Uses: stateSourceImage, stateSubnetID, stateSecurityGroupIDs,
// stateKeyPairName, stateGeneratedData. Puts: stateInstance,
// stateInstanceID, stateSSHHost.
type StepRunSpotInstance struct {
	EC2    runSpotInstanceEC2
	Launch LaunchSpec
	Spot   SpotSpec
	// Instance waits for, addresses and terminates what was launched.
	Instance buildInstance

	template string   // launch template ID
	fleets   []string // every fleet CreateFleet made, with or without an instance
	instance string   // the Spot Instance, kept after Instance.terminate
}

func (s *StepRunSpotInstance) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	run, err := s.Launch.input(state)
	if err != nil {
		return halt(state, err)
	}
	if err := s.createTemplate(ctx, state, run); err != nil {
		return halt(state, err)
	}
	in, err := s.fleetInput(state, run)
	if err != nil {
		return halt(state, err)
	}
	uiOf(state).Say(fmt.Sprintf("Launching a Spot build instance (%s, %s) from %s ...",
		joinTypes(s.Spot.Types), s.Spot.Strategy, aws.ToString(run.ImageId)))
	id, err := s.createFleet(ctx, state, in)
	if err != nil {
		return halt(state, err)
	}
	s.instance = id
	s.Instance.launched(state, id)
	if err := s.Instance.awaitRunning(ctx, state); err != nil {
		return halt(state, err)
	}
	return multistep.ActionContinue
}

// createTemplate makes the launch template from the launch request, tagged
// (and tagging the Spot request) with spot_tags over the build's tags.
func (s *StepRunSpotInstance) createTemplate(ctx context.Context, state multistep.StateBag, run *ec2.RunInstancesInput) error {
	// A Spot Instance never runs in a Capacity Reservation (Prepare refuses
	// asking for one): the launch request's default "none" is implied.
	if cr := run.CapacityReservationSpecification; cr != nil && cr.CapacityReservationTarget == nil &&
		cr.CapacityReservationPreference == ec2types.CapacityReservationPreferenceNone {
		run.CapacityReservationSpecification = nil
	}
	data, err := launchTemplateData(run)
	if err != nil {
		return err
	}
	tags, err := s.Spot.spotTags(state)
	if err != nil {
		return err
	}
	data.TagSpecifications = append(data.TagSpecifications, ec2types.LaunchTemplateTagSpecificationRequest{
		ResourceType: ec2types.ResourceTypeSpotInstancesRequest, Tags: ec2Tags(tags)})
	cctx, cancel := uninterruptible(ctx)
	defer cancel()
	out, err := s.EC2.CreateLaunchTemplate(cctx, &ec2.CreateLaunchTemplateInput{
		// A retried call whose first answer was lost gets the same
		// template back instead of "name already exists" and a stray.
		ClientToken:        aws.String(uuid.NewString()),
		LaunchTemplateName: aws.String(s.Spot.Name),
		LaunchTemplateData: data,
		VersionDescription: aws.String("the build instance of an immutable-ami Spot build"),
		TagSpecifications:  tagSpecs(tags, ec2types.ResourceTypeLaunchTemplate),
	})
	if err != nil {
		return fmt.Errorf("creating the launch template for the Spot Instance: %w", err)
	}
	s.template = aws.ToString(out.LaunchTemplate.LaunchTemplateId)
	uiOf(state).Say(fmt.Sprintf("Launch template: %s (%s)", s.template, s.Spot.Name))
	return nil
}

// Cleanup removes everything Run made, in the order EC2 needs: the fleet
// first (deleting an instant fleet terminates its instance and cancels its
// Spot requests), then the instance as the on-demand step does, the Spot
// request should it still be open, and the launch template.
func (s *StepRunSpotInstance) Cleanup(state multistep.StateBag) {
	if s.template == "" {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	request := s.inspect(ctx, state)
	s.deleteFleets(ctx, state)
	s.Instance.terminate(state)
	s.cancelSpotRequest(ctx, state, request)
	s.deleteTemplate(ctx, state)
}
