//go:generate go tool packer-sdc mapstructure-to-hcl2 -type Config
//go:generate go tool packer-sdc struct-markdown

package tfvars

import (
	"github.com/hashicorp/packer-plugin-sdk/common"
)

// Config is the configuration of the immutable-tfvars post-processor. It
// writes the image ID of the build into a Terraform variables file, changing
// only the bytes of that value.
type Config struct {
	common.PackerConfig `mapstructure:",squash"`

	// Terraform variables file to write. Defaults to
	// `../instances/terraform.tfvars`. Packer v1.15 does not tell a
	// post-processor where an HCL2 template is, so a relative path is
	// resolved against the folder `packer build` runs in; to make it
	// relative to the template, write
	// `path = "${path.root}/../instances/terraform.tfvars"`. The folder must
	// exist; the file is created when missing.
	Path string `mapstructure:"path"`
	// Variable set to the image ID of the build region. Defaults to
	// `ami_id`.
	Variable string `mapstructure:"variable"`
	// Optional variable set to a map of every region of the artifact to its
	// image ID, such as `ami_ids = { "us-east-1" = "ami-…" }`, for AMIs
	// copied to several regions.
	MapVariable string `mapstructure:"map_variable"`
	// Region whose image ID goes into `variable`. Defaults to the build
	// region the builder reports (generated data `BuildRegion`, set by
	// immutable-ami and amazon-ebs), or the artifact's only region.
	Region string `mapstructure:"region"`
	// Optional Terraform module folder, such as
	// `"${path.root}/../instances"`. When set, `variable` (and
	// `map_variable`) must be declared there with a compatible type
	// (string, map(string), any or none); Terraform itself only warns about
	// an undeclared key in a tfvars file, so a typo would mean no redeploy.
	ModuleDir string `mapstructure:"module_dir"`
	// How many writes the history file beside the tfvars file
	// (`terraform.tfvars.history.jsonl`, one JSON object per line, meant to
	// be committed) keeps for `rollback`. Defaults to 10.
	KeepHistory int `mapstructure:"keep_history"`
}
