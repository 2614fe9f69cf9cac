//go:generate go tool packer-sdc mapstructure-to-hcl2 -type Placement,LicenseSpecification,LicenseConfigurationRequest
//go:generate go tool packer-sdc struct-markdown

package ami

import "github.com/hashicorp/packer-plugin-sdk/template/config"

// LaunchConfig is where and how the build instance runs beyond its image and
// network: zone and placement, EBS optimization, CPU credits, capacity
// reservations, Nitro Enclaves, licenses, its volumes' tags, and whether
// the builder or the provisioner stops it. Names and meanings follow
// amazon-ebs; squash-embedded in Config.
type LaunchConfig struct {
	// The availability zone to launch in, e.g. `us-east-1b`. Without
	// subnet_id, the subnet is chosen in this zone; a subnet_id in another
	// zone is an error.
	AvailabilityZone string `mapstructure:"availability_zone" required:"false"`
	// Dedicated hardware for the build instance. See Placement.
	Placement Placement `mapstructure:"placement" required:"false"`
	// Deprecated: use placement { tenancy }. `default`, `dedicated` or
	// `host`.
	Tenancy string `mapstructure:"tenancy" required:"false"`
	// Launch the instance EBS-optimized (types where it is optional).
	EbsOptimized bool `mapstructure:"ebs_optimized" required:"false"`
	// Let a burstable instance (t2, t3, t3a, t4g) use surplus CPU credits
	// (and pay for them). Default false: as in amazon-ebs, burstable types
	// are launched with `standard` credits, although EC2 would launch t3 and
	// newer as `unlimited`.
	EnableUnlimitedCredits bool `mapstructure:"enable_unlimited_credits" required:"false"`
	// Deprecated alias of enable_unlimited_credits (it once applied to t2
	// only).
	EnableT2Unlimited bool `mapstructure:"enable_t2_unlimited" required:"false"`
	// Whether the instance may run in an open capacity reservation: `open`
	// or `none`. Default `none` (as amazon-ebs: a build does not consume
	// capacity reserved for production) unless capacity_reservation_id or
	// capacity_reservation_group_arn names one; set only one of the three.
	CapacityReservationPreference string `mapstructure:"capacity_reservation_preference" required:"false"`
	// The capacity reservation (`cr-…`) to launch into.
	CapacityReservationID string `mapstructure:"capacity_reservation_id" required:"false"`
	// The ARN of a capacity reservation resource group to launch into.
	CapacityReservationGroupARN string `mapstructure:"capacity_reservation_group_arn" required:"false"`
	// Enable AWS Nitro Enclaves on the build instance. The instance type
	// must support them (not burstable ones).
	EnableNitroEnclave bool `mapstructure:"enable_nitro_enclave" required:"false"`
	// License configurations (AWS License Manager) to launch with. See
	// LicenseSpecification.
	LicenseSpecifications []LicenseSpecification `mapstructure:"license_specifications" required:"false"`
	// Hide the instance store volumes an instance type brings (device names
	// xvdca to xvdcz) from the build instance's block device mapping, as the
	// EC2 console does, so they are not recorded in the image.
	NoEphemeral bool `mapstructure:"no_ephemeral" required:"false"`
	// Tags for the build instance's volumes (the instance gets run_tags).
	// Values may use `{{ .SourceAMI }}` etc. The build's own tag is always
	// added.
	RunVolumeTags map[string]string `mapstructure:"run_volume_tags" required:"false"`
	// Same as run_volume_tags, as repeatable `run_volume_tag { name = …
	// value = … }` blocks (name, not key, as in amazon-ebs).
	RunVolumeTag config.NameValues `mapstructure:"run_volume_tag" required:"false"`
	// Do not stop the instance after provisioning: the last provisioner
	// does (`sudo shutdown -h now`, Sysprep …), and the build waits until
	// the instance is stopped (up to the aws_polling limits) before imaging
	// it. Forgetting to stop it makes the build time out.
	DisableStopInstance bool `mapstructure:"disable_stop_instance" required:"false"`
}

// Placement places the build instance on dedicated hardware.
//
// ```hcl
//
//	placement {
//	  tenancy                 = "host"
//	  host_resource_group_arn = "arn:aws:resource-groups:us-east-1:123456789012:group/build-hosts"
//	}
//
// ```
type Placement struct {
	// The ARN of a host resource group to launch in (tenancy `host`).
	HostResourceGroupARN string `mapstructure:"host_resource_group_arn" required:"false"`
	// The dedicated host (`h-…`) to launch on (tenancy `host`).
	HostID string `mapstructure:"host_id" required:"false"`
	// `default` (shared hardware), `dedicated` or `host`.
	Tenancy string `mapstructure:"tenancy" required:"false"`
}

// LicenseSpecification names one license configuration.
//
// ```hcl
//
//	license_specifications {
//	  license_configuration_request {
//	    license_configuration_arn = "arn:aws:license-manager:us-east-1:123456789012:license-configuration:lic-0123456789abcdef0123456789abcdef"
//	  }
//	}
//
// ```
type LicenseSpecification struct {
	// The license configuration. See LicenseConfigurationRequest.
	LicenseConfigurationRequest LicenseConfigurationRequest `mapstructure:"license_configuration_request" required:"false"`
}

// LicenseConfigurationRequest is the ARN of a License Manager license
// configuration.
type LicenseConfigurationRequest struct {
	// The license configuration's ARN.
	LicenseConfigurationARN string `mapstructure:"license_configuration_arn" required:"false"`
}
