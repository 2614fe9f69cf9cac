package ami

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsid"
)

var (
	amiNameChars = regexp.MustCompile(`^[a-zA-Z0-9()\[\] ./\-'@_]+$`)
	accountID    = regexp.MustCompile(`^\d{12}$`)
)

// Prepare validates the AMI settings and fills defaults; the builder's
// Config.Prepare appends these errors to its own. skipRegionValidation is
// skip_region_validation: ami_regions names are then not checked.
func (c *AMIConfig) Prepare(_ *interpolate.Context, skipRegionValidation bool) []error {
	var errs []error
	errs = append(errs, c.AMITag.CopyOn(&c.AMITags)...)
	errs = append(errs, c.SnapshotTag.CopyOn(&c.SnapshotTags)...)
	errs = append(errs, c.prepareName()...)
	errs = append(errs, c.prepareRegions(skipRegionValidation)...)
	errs = append(errs, c.prepareDates()...)
	for i := range c.AMIMappings {
		errs = append(errs, c.AMIMappings[i].Prepare(fmt.Sprintf("ami_block_device_mappings[%d]", i))...)
	}
	if c.IMDSSupport == "" {
		c.IMDSSupport = "v2.0"
	}
	if c.IMDSSupport != "v2.0" && c.IMDSSupport != "none" {
		errs = append(errs, fmt.Errorf("imds_support must be \"v2.0\" (default) or \"none\", got %q", c.IMDSSupport))
	}
	if c.AMIForceDeleteSnapshot && !c.AMIForceDeregister {
		errs = append(errs, fmt.Errorf("force_delete_snapshot needs force_deregister = true"))
	}
	return errs
}

func (c *AMIConfig) prepareName() []error {
	n := c.AMIName
	switch {
	case n == "":
		return []error{fmt.Errorf("ami_name is required: set a unique name, e.g. \"web-{{timestamp}}\"")}
	case len(n) < 3 || len(n) > 128:
		return []error{fmt.Errorf("ami_name %q must be 3 to 128 characters long (it is %d)", n, len(n))}
	case !amiNameChars.MatchString(n):
		return []error{fmt.Errorf("ami_name %q may only contain letters, digits, spaces and ()[]./-'@_ "+
			"(clean_resource_name replaces the others: \"{{ clean_resource_name `...` }}\")", n)}
	}
	return nil
}

func (c *AMIConfig) prepareRegions(skipValidation bool) []error {
	var errs []error
	for _, r := range c.AMIRegions {
		if !skipValidation && !awsid.IsRegion(r) {
			errs = append(errs, fmt.Errorf("ami_regions: %q is not a region name like \"eu-west-1\": fix or remove it (regions: %s)",
				r, strings.Join(awsid.Regions(), ", ")))
		}
	}
	if d := c.SnapshotCopyDurationMinutes; d != 0 && (d < 15 || d > 2880 || d%15 != 0) {
		errs = append(errs, fmt.Errorf("snapshot_copy_duration_minutes %d must be 15 to 2880 in steps of 15 (EC2's time-based copies)", d))
	}
	if c.SnapshotCopyDurationMinutes != 0 && len(c.AMIRegions) == 0 {
		errs = append(errs, fmt.Errorf("snapshot_copy_duration_minutes applies to the copies to ami_regions, and there are none: set ami_regions or remove it"))
	}
	return append(errs, c.prepareEncryption()...)
}

func (c *AMIConfig) prepareEncryption() []error {
	var errs []error
	encryptOnly := func(attr string) {
		errs = append(errs, fmt.Errorf("%s only applies with encrypt_boot = true: set encrypt_boot or remove %s", attr, attr))
	}
	if c.AMIKmsKeyID != "" && !c.AMIEncryptBootVolume {
		encryptOnly("kms_key_id")
	}
	if len(c.AMIRegionKMSKeyIDs) == 0 {
		return errs
	}
	if !c.AMIEncryptBootVolume {
		encryptOnly("region_kms_key_ids")
	}
	for _, r := range c.AMIRegions {
		if _, ok := c.AMIRegionKMSKeyIDs[r]; !ok {
			errs = append(errs, fmt.Errorf("region_kms_key_ids has no key for %q, which is in ami_regions: add one", r))
		}
	}
	return errs
}

func (c *AMIConfig) prepareDates() []error {
	if c.DeprecationTime == "" {
		return nil
	}
	if _, err := time.Parse(time.RFC3339, c.DeprecationTime); err != nil {
		return []error{fmt.Errorf("deprecate_at %q is not a UTC timestamp like \"2027-01-31T00:00:00Z\": %w", c.DeprecationTime, err)}
	}
	return nil
}

// prepareSkipBuildRegion checks skip_save_build_region against the
// regions: the image must end up somewhere.
func (c *AMIConfig) prepareSkipBuildRegion(buildRegion string) []error {
	if c.SkipSaveBuildRegion && len(c.CopyRegions(buildRegion)) == 0 {
		return []error{fmt.Errorf("skip_save_build_region keeps the AMI only in ami_regions, and ami_regions has no region other than %s: "+
			"add the regions to keep it in, or remove skip_save_build_region", buildRegion)}
	}
	return nil
}

// encryptedWithDefaultKey reports whether the image will be encrypted with
// the account's aws/ebs key in some region.
func (c *AMIConfig) encryptedWithDefaultKey(buildRegion string) bool {
	if !c.AMIEncryptBootVolume {
		return false
	}
	if c.buildRegionKMSKey(buildRegion) == "" {
		return true
	}
	for _, r := range c.CopyRegions(buildRegion) {
		if c.AMIRegionKMSKeyIDs[r] == "" {
			return true
		}
	}
	return false
}

// buildRegionKMSKey is the KMS key of the encrypted image in the build
// region: kms_key_id, else region_kms_key_ids' entry for it, else "" (the
// default key).
func (c *AMIConfig) buildRegionKMSKey(buildRegion string) string {
	if c.AMIKmsKeyID != "" {
		return c.AMIKmsKeyID
	}
	return c.AMIRegionKMSKeyIDs[buildRegion]
}

// CopyRegions lists the ami_regions other than the build region, once each.
func (c *AMIConfig) CopyRegions(buildRegion string) []string {
	var out []string
	for _, r := range c.AMIRegions {
		if r != buildRegion && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// runTagsOnImage reports whether run_tags also go on the AMI
// (skip_ami_run_tags = false).
func (c *AMIConfig) runTagsOnImage() bool { return c.SkipAMIRunTags != nil && !*c.SkipAMIRunTags }
