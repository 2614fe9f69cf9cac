//go:generate go tool packer-sdc mapstructure-to-hcl2 -type ReuseConfig
//go:generate go tool packer-sdc struct-markdown

package ami

import (
	"errors"
	"fmt"
	"os"
)

// ReuseConfig makes a build reuse the image it already made from the same
// inputs instead of baking it again:
//
// ```hcl
//
//	reuse {
//	  inputs = ["${path.root}/*.pkr.hcl", "scripts/*.sh"]
//	  key    = var.app_version
//	}
//
// ```
//
// Before launching anything, the build computes a fingerprint of its
// inputs: the source image (the ID `source_ami`, `source_ami_filter` or an
// SSM parameter resolved to), the options that make the image what it is
// (what the build instance starts with: `instance_type` or a Spot build's
// `spot_instance_types` (EC2 picks one of them), `user_data` and
// `user_data_file` by content, `launch_block_device_mappings`,
// `ssh_username`, `ssh_keypair_name`, `ssh_clear_authorized_keys`; what
// the image records: `ami_block_device_mappings`, `no_ephemeral`,
// `encrypt_boot`, `kms_key_id`, `region_kms_key_ids`, `imds_support`,
// `ena_support`, `sriov_support`, `ami_virtualization_type`,
// `ami_product_codes`; who may use it, which a reuse could not take back:
// `ami_users`, `ami_groups`, `ami_org_arns`, `ami_ou_arns`,
// `snapshot_users`, `snapshot_groups`), the input files (path and
// content) and `key`. Every image
// carries it in the tag `immutable:fingerprint`, on the AMI in every region
// and its snapshots. When an available AMI of this account in the build
// region carries it, nothing is launched: that AMI is the artifact, copied
// to the `ami_regions` where it is missing and tagged as a new image would
// be (`tags`, `snapshot_tags`, `deprecate_at` and
// `deregistration_protection` applied), and the
// post-processors run as usual, so `terraform.tfvars` stays right. The
// build says which AMI it reused and why. A reused AMI keeps its name,
// description and lineage, and no failure or Ctrl-C of the build that
// reused it deletes it (copies it made for the reuse are removed as any
// new image would be). Options not listed above (names, tags, networks,
// SSH settings, polling …) do not change the fingerprint.
//
// `packer build -force` builds anew without looking. With
// `force_deregister`, a reused AMI is never deregistered: it frees
// `ami_name` for a new image, and a reuse makes none (an image named like
// the reused one in an `ami_regions` region where the reused image must be
// copied is deregistered first).
//
// Provisioners are not options of the builder: list the template among the
// inputs, and put what else shapes the image (variables a provisioner uses,
// a package set that should refresh monthly) into `key`. Do not list files
// the build itself writes (the tfvars file, a manifest): they change with
// every build.
type ReuseConfig struct {
	// Glob patterns of the files that shape the image, e.g.
	// `"${path.root}/*.pkr.hcl"` (the template), `"scripts/**"`. Relative
	// patterns start in the folder packer runs in, as every path of a
	// template. `**` matches any number of folders; `*`, `?`, `[...]` and
	// `**` never match a name starting with `.` unless the pattern's own
	// segment does (`.git` and `.terraform` stay out of
	// `"${path.root}/**"`); linked folders are not followed. Each file counts
	// by its content and its path relative to the deepest folder holding
	// all of them, so a checkout elsewhere (another machine, another CI
	// workspace) gives the same fingerprint. A pattern that matches no file
	// is an error. At least one pattern is required.
	Inputs []string `mapstructure:"inputs" required:"true"`
	// Anything else that should build a new image when it changes, e.g.
	// the version of what the provisioners install.
	Key string `mapstructure:"key" required:"false"`

	dir string // where relative inputs start: the folder packer runs in
}

// Prepare checks every pattern and reports all problems at once.
func (c *ReuseConfig) Prepare(skipCreateAMI, skipSaveBuildRegion bool) []error {
	var errs []error
	if skipCreateAMI {
		errs = append(errs, errors.New("reuse needs an image to reuse: remove skip_create_ami or the reuse block"))
	}
	if skipSaveBuildRegion {
		errs = append(errs, errors.New("reuse looks for the image in the build region, where skip_save_build_region "+
			"keeps none: remove skip_save_build_region or the reuse block"))
	}
	if len(c.Inputs) == 0 {
		return append(errs, errors.New(`reuse: inputs is required: list the files that shape the image, at least the template (e.g. inputs = ["${path.root}/*.pkr.hcl"])`))
	}
	dir, err := os.Getwd()
	if err != nil {
		return append(errs, fmt.Errorf("reuse: the current folder: %w", err))
	}
	c.dir = dir
	if _, err := expandInputs(dir, c.Inputs); err != nil {
		errs = append(errs, fmt.Errorf("reuse inputs: %w: fix or remove it", err))
	}
	return errs
}
