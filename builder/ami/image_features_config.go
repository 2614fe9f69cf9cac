//go:generate go tool packer-sdc mapstructure-to-hcl2 -type DeregistrationProtection
//go:generate go tool packer-sdc struct-markdown

package ami

import (
	"fmt"
)

// ImageFeaturesConfig is what the AMI records beyond its disks: enhanced
// networking, the virtualization type it must have, and protection against
// deregistration. Squash-embedded in Config.
type ImageFeaturesConfig struct {
	// The virtualization type the image must have: `hvm` or `paravirtual`.
	// An EBS image inherits it from source_ami (CreateImage cannot change
	// it), so a source AMI of the other type fails the build before launch.
	AMIVirtType string `mapstructure:"ami_virtualization_type" required:"false"`
	// Set (true) or clear (false) ENA enhanced networking on the stopped
	// instance before imaging, so the AMI records it; unset leaves the
	// source image's setting. Needs an hvm image whose kernel has the ENA
	// driver; true on a type without ENA fails at launch of the image.
	ENASupport *bool `mapstructure:"ena_support" required:"false"`
	// Set SR-IOV (Intel 82599 VF) enhanced networking, `simple`, on the
	// stopped instance before imaging. Needs an hvm image.
	SriovSupport bool `mapstructure:"sriov_support" required:"false"`
	// Protect the AMI (in every region) from deregistration once the build
	// is done. See DeregistrationProtection.
	DeregistrationProtection DeregistrationProtection `mapstructure:"deregistration_protection" required:"false"`
}

// DeregistrationProtection turns on EC2's deregistration protection of the
// finished AMIs (EnableImageDeregistrationProtection), as the last step of
// the build.
//
// ```hcl
//
//	deregistration_protection {
//	  enabled       = true
//	  with_cooldown = true
//	}
//
// ```
//
// A protected AMI cannot be deregistered (force_deregister of a later build,
// prune, `aws ec2 deregister-image`) until protection is disabled; with the
// cooldown, not until 24 hours after that.
type DeregistrationProtection struct {
	// Turn protection on.
	Enabled bool `mapstructure:"enabled" required:"false"`
	// Keep the AMI protected for 24 hours after protection is disabled.
	WithCooldown bool `mapstructure:"with_cooldown" required:"false"`
}

// Prepare validates the features; enhanced networking needs hvm.
func (c *ImageFeaturesConfig) Prepare() []error {
	var errs []error
	switch c.AMIVirtType {
	case "", "hvm", "paravirtual":
	default:
		errs = append(errs, fmt.Errorf("ami_virtualization_type %q must be \"hvm\" or \"paravirtual\"", c.AMIVirtType))
	}
	if c.AMIVirtType == "paravirtual" && (c.SriovSupport || (c.ENASupport != nil && *c.ENASupport)) {
		errs = append(errs, fmt.Errorf("ena_support and sriov_support need an hvm image, but ami_virtualization_type is paravirtual"))
	}
	if c.DeregistrationProtection.WithCooldown && !c.DeregistrationProtection.Enabled {
		errs = append(errs, fmt.Errorf("deregistration_protection with_cooldown needs enabled = true"))
	}
	return errs
}

// modifiesInstance reports whether the stopped instance's attributes are
// set before imaging.
func (c *ImageFeaturesConfig) modifiesInstance() bool { return c.SriovSupport || c.ENASupport != nil }
