//go:generate go tool packer-sdc struct-markdown

package ami

import "github.com/hashicorp/packer-plugin-sdk/template/config"

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
	// Same as tags, as repeatable `tag { key = … value = … }` blocks (e.g.
	// from a `dynamic` block); a key in both wins here.
	AMITag config.KeyValues `mapstructure:"tag" required:"false"`
	// Tags applied only to the snapshots, after tags (same templating).
	SnapshotTags map[string]string `mapstructure:"snapshot_tags" required:"false"`
	// Same as snapshot_tags, as repeatable `snapshot_tag { key = … value =
	// … }` blocks; a key in both wins here.
	SnapshotTag config.KeyValues `mapstructure:"snapshot_tag" required:"false"`
	// Set to false to also put run_tags on the AMI and its snapshots (under
	// tags, which win), as amazon-ebs does since v1.3.7. Default true:
	// run_tags describe the build instance, not the image.
	SkipAMIRunTags *bool `mapstructure:"skip_ami_run_tags" required:"false"`
	// Other regions to copy the AMI to; copies run in parallel and the
	// artifact lists every region. The build region is always included
	// unless skip_save_build_region.
	AMIRegions []string `mapstructure:"ami_regions" required:"false"`
	// Keep the AMI only in ami_regions: the image made in the build region
	// gets a temporary name, is copied to every ami_regions region, and is
	// then deregistered with its snapshots. The name is not checked in the
	// build region. Needs ami_regions other than region.
	SkipSaveBuildRegion bool `mapstructure:"skip_save_build_region" required:"false"`
	// Ask for time-based copies to ami_regions: each snapshot's copy
	// completes within this many minutes (15 to 2880, in steps of 15;
	// billed per GiB). Default: best effort.
	SnapshotCopyDurationMinutes int64 `mapstructure:"snapshot_copy_duration_minutes" required:"false"`
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
	// When the AMI becomes deprecated, in UTC RFC 3339 form
	// `2027-01-31T00:00:00Z` (EnableImageDeprecation).
	DeprecationTime string `mapstructure:"deprecate_at" required:"false"`
	// The IMDS version instances launched from the AMI default to. Default
	// `v2.0` (tokens required, unlike amazon-ebs). Set `none` to register
	// the image without it, so its instances allow IMDSv1 by default.
	// EC2 cannot undo `v2.0` on an AMI: once set, the image and its copies
	// keep it; to allow IMDSv1 again, build a new image with `none`.
	IMDSSupport string `mapstructure:"imds_support" required:"false"`
}
