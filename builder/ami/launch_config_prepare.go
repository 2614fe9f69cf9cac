package ami

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// burstable are the instance families with CPU credits.
var burstable = regexp.MustCompile(`^t(2|3|3a|4g)\.`)

// Prepare validates the launch settings against the instance types
// (instance_type, or a Spot build's spot_instance_types: EC2 may pick any)
// and fills defaults; warnings are returned separately.
func (c *LaunchConfig) Prepare(types InstanceTypes) (errs []error, warns []string) {
	errs = append(errs, c.RunVolumeTag.CopyOn(&c.RunVolumeTags)...)
	if c.EnableT2Unlimited {
		warns = append(warns, "enable_t2_unlimited is deprecated: use enable_unlimited_credits = true")
		c.EnableUnlimitedCredits = true
	}
	for _, t := range types.Names {
		if c.EnableUnlimitedCredits && !burstable.MatchString(t) {
			errs = append(errs, fmt.Errorf("enable_unlimited_credits applies to burstable instance types (t2, t3, t3a, t4g), not %q: "+
				"remove it or choose a burstable %s", t, types.Attr))
		}
		if c.EnableNitroEnclave && strings.HasPrefix(t, "t") {
			errs = append(errs, fmt.Errorf("enable_nitro_enclave: burstable instance type %q cannot run Nitro Enclaves: choose e.g. m5.xlarge", t))
		}
	}
	errs = append(errs, c.prepareCapacity()...)
	errs = append(errs, c.preparePlacement()...)
	for i, l := range c.LicenseSpecifications {
		if !strings.HasPrefix(l.LicenseConfigurationRequest.LicenseConfigurationARN, "arn:") {
			errs = append(errs, fmt.Errorf("license_specifications[%d]: license_configuration_request needs license_configuration_arn, "+
				"the ARN of a License Manager license configuration", i))
		}
	}
	return errs, warns
}

func (c *LaunchConfig) prepareCapacity() []error {
	set := 0
	for _, v := range []string{c.CapacityReservationPreference, c.CapacityReservationID, c.CapacityReservationGroupARN} {
		if v != "" {
			set++
		}
	}
	if set > 1 {
		return []error{fmt.Errorf("capacity_reservation_preference, capacity_reservation_id and capacity_reservation_group_arn " +
			"exclude each other: set only one")}
	}
	if set == 0 {
		c.CapacityReservationPreference = "none"
	}
	if p := c.CapacityReservationPreference; p != "" && p != "none" && p != "open" {
		return []error{fmt.Errorf("capacity_reservation_preference %q must be \"open\" or \"none\"", p)}
	}
	if id := c.CapacityReservationID; id != "" && !strings.HasPrefix(id, "cr-") {
		return []error{fmt.Errorf("capacity_reservation_id %q is not a capacity reservation ID (cr-…)", id)}
	}
	return nil
}

var tenancies = []string{"default", "dedicated", "host"}

func (c *LaunchConfig) preparePlacement() []error {
	var errs []error
	if c.Tenancy != "" {
		if c.Placement.Tenancy != "" {
			errs = append(errs, fmt.Errorf("tenancy and placement { tenancy } are both set: keep placement's (tenancy is deprecated)"))
		}
		c.Placement.Tenancy = c.Tenancy
	}
	if t := c.Placement.Tenancy; t != "" && !slices.Contains(tenancies, t) {
		errs = append(errs, fmt.Errorf("placement tenancy %q is not one of %s", t, strings.Join(tenancies, ", ")))
	}
	if (c.Placement.HostID != "" || c.Placement.HostResourceGroupARN != "") && c.Placement.Tenancy != "" && c.Placement.Tenancy != "host" {
		errs = append(errs, fmt.Errorf("placement host_id and host_resource_group_arn need tenancy = \"host\", not %q", c.Placement.Tenancy))
	}
	if c.Placement.HostID != "" && c.Placement.HostResourceGroupARN != "" {
		errs = append(errs, fmt.Errorf("placement host_id and host_resource_group_arn are both set: keep only one"))
	}
	return errs
}

// warnings are launch choices that work but cost or surprise.
func (c *LaunchConfig) warnings() []string {
	if c.DisableStopInstance {
		return []string{"disable_stop_instance: the build waits until your last provisioner stops the instance " +
			"(e.g. `sudo shutdown -h now`); without that it times out"}
	}
	return nil
}
