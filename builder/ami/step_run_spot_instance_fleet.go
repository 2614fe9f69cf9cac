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
	"github.com/google/uuid"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// fleetInput is the CreateFleet request: one Spot Instance from the launch
// template, one override per instance type. The subnet goes into the
// overrides unless the template carries a network interface (for
// associate_public_ip_address), which then names it: EC2 Fleet ignores a
// template's network interfaces when an override names a subnet.
func (s *StepRunSpotInstance) fleetInput(state multistep.StateBag, run *ec2.RunInstancesInput) (*ec2.CreateFleetInput, error) {
	tags, err := s.Spot.fleetTags(state)
	if err != nil {
		return nil, err
	}
	var overrides []ec2types.FleetLaunchTemplateOverridesRequest
	for i, t := range s.Spot.Types {
		o := ec2types.FleetLaunchTemplateOverridesRequest{InstanceType: ec2types.InstanceType(t)}
		if len(run.NetworkInterfaces) == 0 {
			o.SubnetId = run.SubnetId
		}
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
// no capacity it asks again after each of Spot.CapacityRetries; every fleet
// made is remembered for Cleanup at once.
func (s *StepRunSpotInstance) createFleet(ctx context.Context, state multistep.StateBag, in *ec2.CreateFleetInput) (string, error) {
	for attempt := 0; ; attempt++ {
		in.ClientToken = aws.String(uuid.NewString()) // SDK retries reuse it; a new attempt must not
		cctx, cancel := uninterruptible(ctx)
		out, err := s.EC2.CreateFleet(cctx, in)
		cancel()
		if err != nil {
			return "", fmt.Errorf("creating the EC2 Fleet for the Spot Instance: %w", err)
		}
		if id := aws.ToString(out.FleetId); id != "" {
			s.fleets = append(s.fleets, id)
		}
		if id := fleetInstance(out); id != "" {
			for _, e := range out.Errors {
				log.Printf("[DEBUG] fleet %s: %s (instance %s launched all the same)", aws.ToString(out.FleetId), describeFleetError(e), id)
			}
			uiOf(state).Say(fmt.Sprintf("Fleet %s launched Spot Instance %s", aws.ToString(out.FleetId), id))
			return id, nil
		}
		if attempt >= len(s.Spot.CapacityRetries) || !worthRetrying(out.Errors) {
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
// capacity in the pools asked for, and a new instance profile EC2 does not
// know yet (the temporary one, created moments before).
var capacityCodes = []string{"InsufficientInstanceCapacity", "UnfulfillableCapacity", "InsufficientCapacity"}

func worthRetrying(errs []ec2types.CreateFleetError) bool {
	for _, e := range errs {
		code, msg := aws.ToString(e.ErrorCode), aws.ToString(e.ErrorMessage)
		if !slices.Contains(capacityCodes, code) && !strings.Contains(msg, "Invalid IAM Instance Profile") {
			return false
		}
	}
	return true
}

// noInstance explains why the fleet launched nothing and what to try.
func (s *StepRunSpotInstance) noInstance(in *ec2.CreateFleetInput, errs []ec2types.CreateFleetError, attempts int) error {
	where := "the region"
	if o := in.LaunchTemplateConfigs[0].Overrides; len(o) > 0 && o[0].SubnetId != nil {
		where = "subnet " + aws.ToString(o[0].SubnetId)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "EC2 launched no Spot Instance of %s in %s (%d attempts)", joinTypes(s.Spot.Types), where, attempts)
	for _, e := range errs {
		fmt.Fprintf(&b, "\n  %s", describeFleetError(e))
	}
	if len(errs) == 0 {
		b.WriteString(": the fleet gave no reason")
	}
	b.WriteString("\n" + s.advice(errs))
	return fmt.Errorf("%s", b.String())
}

// advice is what to change for the errors EC2 gave.
func (s *StepRunSpotInstance) advice(errs []ec2types.CreateFleetError) string {
	codes := errorCodes(errs)
	switch {
	case strings.Contains(codes, "SpotMaxPriceTooLow"):
		return fmt.Sprintf("spot_price %s is below the current Spot price: raise it, or set spot_price = \"auto\" "+
			"to pay the current price up to the on-demand price", s.Spot.MaxPrice)
	case strings.Contains(codes, "MaxSpotInstanceCountExceeded"), strings.Contains(codes, "VcpuLimitExceeded"):
		return "the account's Spot quota is used up: ask AWS for a higher \"All Standard Spot Instance Requests\" quota, " +
			"or build on demand (remove spot_price)"
	}
	return "No Spot capacity: try again later, list more spot_instance_types (each type is another capacity pool), " +
		"launch in another zone (subnet_id or subnet_filter), or build on demand (remove spot_price)"
}

// describeFleetError reads "t3.micro: InsufficientInstanceCapacity: …".
func describeFleetError(e ec2types.CreateFleetError) string {
	typ := "any type"
	if lo := e.LaunchTemplateAndOverrides; lo != nil && lo.Overrides != nil && lo.Overrides.InstanceType != "" {
		typ = string(lo.Overrides.InstanceType)
	}
	return fmt.Sprintf("%s: %s: %s", typ, aws.ToString(e.ErrorCode), aws.ToString(e.ErrorMessage))
}

// errorCodes lists the distinct error codes, e.g. "InsufficientInstanceCapacity".
func errorCodes(errs []ec2types.CreateFleetError) string {
	var codes []string
	for _, e := range errs {
		if c := aws.ToString(e.ErrorCode); !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 {
		return "no reason given"
	}
	return strings.Join(codes, ", ")
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
