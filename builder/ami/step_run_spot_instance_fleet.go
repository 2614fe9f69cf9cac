package ami

import (
	"context"
	"fmt"
	"log"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// fleetInput is the CreateFleet request: one Spot Instance from the launch
// template, one override per instance type. The subnet goes into the
// overrides, unless the launch request put it on a network interface (for
// associate_public_ip_address), which the template then carries: EC2 Fleet
// ignores a template's network interfaces when an override names a subnet
// (aws/karpenter-provider-aws#3819).
func (s *StepRunSpotInstance) fleetInput(state multistep.StateBag, run *ec2.RunInstancesInput) (*ec2.CreateFleetInput, error) {
	tags, err := s.Spot.fleetTags(state)
	if err != nil {
		return nil, err
	}
	var overrides []ec2types.FleetLaunchTemplateOverridesRequest
	for i, t := range s.Spot.Types {
		o := ec2types.FleetLaunchTemplateOverridesRequest{InstanceType: ec2types.InstanceType(t)}
		o.SubnetId = run.SubnetId // nil when the template's interface names it
		if s.Spot.MaxPrice != "auto" {
			o.MaxPrice = aws.String(s.Spot.MaxPrice)
		}
		if s.Spot.Strategy == ec2types.SpotAllocationStrategyCapacityOptimizedPrioritized {
			o.Priority = aws.Float64(float64(i)) // lower is first
		}
		overrides = append(overrides, o)
	}
	return &ec2.CreateFleetInput{
		Type: ec2types.FleetTypeInstant,
		TargetCapacitySpecification: &ec2types.TargetCapacitySpecificationRequest{
			TotalTargetCapacity: aws.Int32(1), DefaultTargetCapacityType: ec2types.DefaultTargetCapacityTypeSpot},
		SpotOptions: &ec2types.SpotOptionsRequest{AllocationStrategy: s.Spot.Strategy,
			InstanceInterruptionBehavior: ec2types.SpotInstanceInterruptionBehaviorTerminate},
		LaunchTemplateConfigs: []ec2types.FleetLaunchTemplateConfigRequest{{
			LaunchTemplateSpecification: &ec2types.FleetLaunchTemplateSpecificationRequest{
				LaunchTemplateId: aws.String(s.template), Version: aws.String("1")},
			Overrides: overrides}},
		TagSpecifications: tagSpecs(tags, ec2types.ResourceTypeFleet),
	}, nil
}

// createFleet asks for the Spot Instance and returns its ID. While EC2 has
// no Spot capacity it asks again after each of Spot.CapacityRetries.
func (s *StepRunSpotInstance) createFleet(ctx context.Context, state multistep.StateBag, in *ec2.CreateFleetInput) (string, error) {
	for attempt := 0; ; attempt++ {
		out, err := s.askFleet(ctx, state, in)
		if err != nil {
			return "", err
		}
		if id := fleetInstance(out); id != "" {
			for _, e := range out.Errors {
				log.Printf("[DEBUG] fleet %s: %s (instance %s launched all the same)", aws.ToString(out.FleetId), describeFleetError(e), id)
			}
			uiOf(state).Say(fmt.Sprintf("Fleet %s launched Spot Instance %s", aws.ToString(out.FleetId), id))
			return id, nil
		}
		if attempt >= len(s.Spot.CapacityRetries) || !noCapacity(out.Errors) {
			return "", s.noInstance(in, out.Errors, attempt+1)
		}
		pause := s.Spot.CapacityRetries[attempt]
		uiOf(state).Say(fmt.Sprintf("No Spot Instance yet (%s); asking again in %s ...", errorCodes(out.Errors), pause))
		if err := sleepCtx(ctx, pause); err != nil {
			return "", fmt.Errorf("waiting for Spot capacity: %w", err)
		}
	}
}

// fleetInstance is the first instance an instant fleet launched.
func fleetInstance(out *ec2.CreateFleetOutput) string {
	for _, i := range out.Instances {
		if len(i.InstanceIds) > 0 {
			return i.InstanceIds[0]
		}
	}
	return ""
}

// capacityCodes are CreateFleet errors that may pass in a moment: no Spot
// capacity in the pools asked for.
var capacityCodes = []string{"InsufficientInstanceCapacity", "UnfulfillableCapacity", "InsufficientCapacity"}

func noCapacity(errs []ec2types.CreateFleetError) bool {
	for _, e := range errs {
		if !slices.Contains(capacityCodes, aws.ToString(e.ErrorCode)) {
			return false
		}
	}
	return len(errs) > 0
}

func joinTypes(types []string) string { return strings.Join(types, ", ") }

// sleepCtx pauses for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
