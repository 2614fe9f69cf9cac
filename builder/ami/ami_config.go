//go:generate go tool packer-sdc struct-markdown

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

// AMIConfig is what the builder records in the image: name, tags, regions,
// encryption, sharing. It is squash-embedded into the builder's Config, so
// its attributes sit at the top level of the source block.
type AMIConfig struct {
	// The name of the resulting AMI: 3 to 128 characters, letters, digits
	// and `()[] ./-'@_`. It must be unique in the build region and in
	// every ami_regions region (checked before anything is launched)
	// unless force_deregister is set. Use `{{timestamp}}` or HCL's
	// `formatdate` to make it unique per build.
	AMIName string `mapstructure:"ami_name" required:"true"`
	// The description of the AMI.
	AMIDescription string `mapstructure:"ami_description" required:"false"`
	// Tags applied to the AMI and its snapshots in every region. Values may
	// use the build's generated data, e.g. `{{ .SourceAMI }}`,
	// `{{ .BuildRegion }}`, `{{ .SourceAMIName }}`.
	AMITags map[string]string `mapstructure:"tags" required:"false"`
	// Tags applied only to the snapshots, after tags (same templating).
	SnapshotTags map[string]string `mapstructure:"snapshot_tags" required:"false"`
	// Other regions to copy the AMI to; copies run in parallel and the
	// artifact lists every region. The build region is always included.
	AMIRegions []string `mapstructure:"ami_regions" required:"false"`
	// Encrypt the image's boot volume. The image is created, copied
	// encrypted in the build region and the unencrypted intermediate image
	// is deregistered; copies to ami_regions are encrypted too.
	AMIEncryptBootVolume bool `mapstructure:"encrypt_boot" required:"false"`
	// The KMS key (ID, ARN or alias) encrypting the boot volume in the
	// build region. Default: the account's aws/ebs key. Needs encrypt_boot.
	AMIKmsKeyID string `mapstructure:"kms_key_id" required:"false"`
	// KMS keys per region for encrypted copies, e.g.
	// `{ "eu-west-1" = "alias/images" }`. When set, every region in
	// ami_regions needs an entry. Needs encrypt_boot.
	AMIRegionKMSKeyIDs map[string]string `mapstructure:"region_kms_key_ids" required:"false"`
	// Block device mappings recorded in the image, overriding or adding to
	// those of the build instance. See BlockDevice.
	AMIMappings []BlockDevice `mapstructure:"ami_block_device_mappings" required:"false"`
	// Deregister an existing AMI with the same name before creating the new
	// one (in the build region and every ami_regions region).
	AMIForceDeregister bool `mapstructure:"force_deregister" required:"false"`
	// With force_deregister, also delete the snapshots of the old AMI.
	AMIForceDeleteSnapshot bool `mapstructure:"force_delete_snapshot" required:"false"`
	// Run the build (launch, provision) without creating an AMI; useful to
	// test provisioning. The artifact is then empty.
	SkipCreateAMI bool `mapstructure:"skip_create_ami" required:"false"`
	// AWS account IDs allowed to launch the AMI.
	AMIUsers []string `mapstructure:"ami_users" required:"false"`
	// Groups allowed to launch the AMI; only `all` exists (makes it public).
	AMIGroups []string `mapstructure:"ami_groups" required:"false"`
	// When the AMI becomes deprecated, in UTC RFC 3339 form
	// `2027-01-31T00:00:00Z` (EnableImageDeprecation).
	DeprecationTime string `mapstructure:"deprecate_at" required:"false"`
	// The IMDS version instances launched from the AMI default to. Default
	// `v2.0` (tokens required, unlike amazon-ebs). Set `none` to register
	// the image without it, so its instances allow IMDSv1 by default.
	IMDSSupport string `mapstructure:"imds_support" required:"false"`
}

var (
	amiNameChars = regexp.MustCompile(`^[a-zA-Z0-9()\[\] ./\-'@_]+$`)
	accountID    = regexp.MustCompile(`^\d{12}$`)
)

// Prepare validates the AMI settings and fills defaults; the builder's
// Config.Prepare appends these errors to its own.
func (c *AMIConfig) Prepare(_ *interpolate.Context) []error {
	var errs []error
	errs = append(errs, c.prepareName()...)
	errs = append(errs, c.prepareRegions()...)
	errs = append(errs, c.prepareSharing()...)
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
		return []error{fmt.Errorf("ami_name %q may only contain letters, digits, spaces and ()[]./-'@_", n)}
	}
	return nil
}

func (c *AMIConfig) prepareRegions() []error {
	var errs []error
	for _, r := range c.AMIRegions {
		if !awsid.IsRegion(r) {
			errs = append(errs, fmt.Errorf("ami_regions: %q is not a region name like \"eu-west-1\": fix or remove it (regions: %s)",
				r, strings.Join(awsid.Regions(), ", ")))
		}
	}
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

func (c *AMIConfig) prepareSharing() []error {
	var errs []error
	for _, u := range c.AMIUsers {
		if !accountID.MatchString(u) {
			errs = append(errs, fmt.Errorf("ami_users: %q is not a 12-digit AWS account ID", u))
		}
	}
	for _, g := range c.AMIGroups {
		if g != "all" {
			errs = append(errs, fmt.Errorf("ami_groups: %q is not a group; the only one is \"all\" (public)", g))
		}
	}
	if c.DeprecationTime != "" {
		if _, err := time.Parse(time.RFC3339, c.DeprecationTime); err != nil {
			errs = append(errs, fmt.Errorf("deprecate_at %q is not a UTC timestamp like \"2027-01-31T00:00:00Z\": %w", c.DeprecationTime, err))
		}
	}
	return errs
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
