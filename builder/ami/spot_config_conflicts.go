package ami

import (
	"fmt"
	"slices"
	"strings"
)

// spotConflicts refuses the options a Spot Instance cannot honour (as
// amazon-ebs does for some, and would otherwise accept and ignore for the
// others), each naming the option and what to do instead.
func (c *Config) spotConflicts() []error {
	if !c.IsSpot() {
		return nil
	}
	onDemand := "or build on demand (remove spot_price)"
	var errs []error
	if c.ImageFeaturesConfig.modifiesInstance() {
		errs = append(errs, fmt.Errorf("ena_support and sriov_support are set on the stopped build instance, and a Spot "+
			"Instance cannot be stopped: start from a source AMI that has them already, %s", onDemand))
	}
	if c.DisableStopInstance {
		errs = append(errs, fmt.Errorf("disable_stop_instance: a Spot Instance comes from a one-time Spot request, so it "+
			"cannot be stopped (a shutdown from inside terminates it) and its image is made while it runs: remove "+
			"disable_stop_instance, %s", onDemand))
	}
	if c.EnableNitroEnclave {
		errs = append(errs, fmt.Errorf("enable_nitro_enclave is not supported for Spot Instances: remove it, %s", onDemand))
	}
	if c.EnableUnlimitedCredits && slices.ContainsFunc(c.instanceTypes().Names, func(t string) bool { return strings.HasPrefix(t, "t2.") }) {
		errs = append(errs, fmt.Errorf("enable_unlimited_credits: T2 Spot Instances cannot run in unlimited mode: "+
			"choose t3, t3a or t4g types, %s", onDemand))
	}
	if c.CapacityReservationID != "" || c.CapacityReservationGroupARN != "" || c.CapacityReservationPreference == "open" {
		errs = append(errs, fmt.Errorf("capacity_reservation_preference/_id/_group_arn: Capacity Reservations hold "+
			"On-Demand capacity, which a Spot Instance never uses: remove them, %s", onDemand))
	}
	return errs
}
