package ami

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

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
