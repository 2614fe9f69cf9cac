//go:generate go tool packer-sdc struct-markdown

package ami

import (
	"fmt"
	"regexp"
)

// ImageSharingConfig says who may use the image besides this account:
// launch permissions on the AMI (accounts, organizations, organizational
// units, public) and create-volume permissions on its snapshots, in every
// region. Squash-embedded in Config.
type ImageSharingConfig struct {
	// AWS account IDs allowed to launch the AMI.
	AMIUsers []string `mapstructure:"ami_users" required:"false"`
	// Groups allowed to launch the AMI; only `all` exists (makes it public).
	AMIGroups []string `mapstructure:"ami_groups" required:"false"`
	// ARNs of AWS Organizations whose accounts may launch the AMI, e.g.
	// `arn:aws:organizations::123456789012:organization/o-abcdefghij`.
	AMIOrgArns []string `mapstructure:"ami_org_arns" required:"false"`
	// ARNs of organizational units whose accounts may launch the AMI, e.g.
	// `arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdefghij`.
	AMIOuArns []string `mapstructure:"ami_ou_arns" required:"false"`
	// AWS account IDs allowed to create volumes from the image's snapshots
	// (needed to copy or re-encrypt a shared image). With encrypt_boot,
	// the key must be a customer managed one (kms_key_id /
	// region_kms_key_ids) that those accounts may use.
	SnapshotUsers []string `mapstructure:"snapshot_users" required:"false"`
	// Groups allowed to create volumes from the snapshots; only `all`
	// (public).
	SnapshotGroups []string `mapstructure:"snapshot_groups" required:"false"`
	// AWS Marketplace product codes to attach to the AMI (the account must
	// own them). A product code cannot be removed from an AMI afterwards.
	AMIProductCodes []string `mapstructure:"ami_product_codes" required:"false"`
}

var (
	orgARN = regexp.MustCompile(`^arn:aws[a-z-]*:organizations::\d{12}:organization/o-[a-z0-9]{10,32}$`)
	ouARN  = regexp.MustCompile(`^arn:aws[a-z-]*:organizations::\d{12}:ou/o-[a-z0-9]{10,32}/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
)

// Prepare validates the sharing settings. encryptedWithDefaultKey says
// whether the image will be encrypted with the account's default aws/ebs
// key, which cannot be shared with anyone.
func (c *ImageSharingConfig) Prepare(encryptedWithDefaultKey bool) []error {
	var errs []error
	each := func(attr string, values []string, ok func(string) bool, want string) {
		for _, v := range values {
			if !ok(v) {
				errs = append(errs, fmt.Errorf("%s: %q is not %s", attr, v, want))
			}
		}
	}
	each("ami_users", c.AMIUsers, accountID.MatchString, "a 12-digit AWS account ID")
	each("snapshot_users", c.SnapshotUsers, accountID.MatchString, "a 12-digit AWS account ID")
	isAll := func(g string) bool { return g == "all" }
	each("ami_groups", c.AMIGroups, isAll, `a group; the only one is "all" (public)`)
	each("snapshot_groups", c.SnapshotGroups, isAll, `a group; the only one is "all" (public)`)
	each("ami_org_arns", c.AMIOrgArns, orgARN.MatchString, "an organization ARN like arn:aws:organizations::123456789012:organization/o-abcdefghij")
	each("ami_ou_arns", c.AMIOuArns, ouARN.MatchString, "an organizational unit ARN like arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdefghij")
	each("ami_product_codes", c.AMIProductCodes, func(s string) bool { return s != "" }, "a product code")
	if encryptedWithDefaultKey && (len(c.AMIUsers)+len(c.AMIOrgArns)+len(c.AMIOuArns)+len(c.SnapshotUsers) > 0) {
		errs = append(errs, fmt.Errorf("the image is encrypted with this account's default aws/ebs KMS key, which other accounts can never use: "+
			"set kms_key_id (and region_kms_key_ids for ami_regions) to a customer managed key shared with them, or stop sharing"))
	}
	return errs
}

// sharesImage reports whether any launch permission is granted.
func (c *ImageSharingConfig) sharesImage() bool {
	return len(c.AMIUsers)+len(c.AMIGroups)+len(c.AMIOrgArns)+len(c.AMIOuArns) > 0
}
