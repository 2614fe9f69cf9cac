//go:generate go tool packer-sdc mapstructure-to-hcl2 -type Config,PruneConfig
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
	// An SSM parameter to publish the image ID in as well, such as
	// `/images/web`: a channel every machine of a team shares, where the
	// tfvars file in git is one machine's. Each build writes a new version
	// (data type `aws:ec2:image`, described with the build and run) in
	// every region of the artifact, each with its own image; the versions
	// are the history, and `promote`/`rollback -ssm-parameter` move labels
	// such as `staging` and `prod` between them. Terraform reads it with
	// `data "aws_ssm_parameter"` (the instances module's
	// `ami_ssm_parameter`), a build with `source_ami =
	// "resolve:ssm:/images/web:prod"`. If the tfvars file cannot be written
	// afterwards, the versions are reverted. Credentials come from the AWS
	// SDK's standard chain (and `profile`).
	SSMParameter string `mapstructure:"ssm_parameter"`
	// The profile of the shared AWS config files for `ssm_parameter` and
	// `prune`. Default: AWS_PROFILE, else `default`.
	Profile string `mapstructure:"profile"`
	// Prune the images of this build that are no longer needed, right
	// after writing the new one (which is then a rollback target): see
	// PruneConfig. A failing prune is reported but does not fail the build.
	Prune *PruneConfig `mapstructure:"prune"`
}

// PruneConfig makes each build prune behind itself, as
// `packer-plugin-immutable prune -build <this build> -file <path> -apply`
// does: images of this build beyond the newest `keep` in each region (and
// older than `keep_within`), never one that the tfvars file (`path`), its
// history, `files`, any version of `ssm_parameter` or `ssm_parameters`, or
// an instance names, nor the source or a copy of an image that stays.
//
// ```hcl
//
//	prune {
//	  keep        = 3
//	  keep_within = "30d"
//	  files       = ["${path.root}/../instances/prod.tfvars"]
//	}
//
// ```
//
// List every tfvars file that deploys this build's images in `files`: an
// image only another environment's file names is otherwise pruned.
type PruneConfig struct {
	// How many of this build's newest images to keep in each region (at
	// least 1). Defaults to 3.
	Keep int `mapstructure:"keep"`
	// Also keep every image younger than this, such as `30d` or `720h`.
	// Defaults to `1h`: a parallel build of the same template may still be
	// writing an image that young into its tfvars file. `0s` keeps none
	// by age.
	KeepWithin string `mapstructure:"keep_within"`
	// Other tfvars files whose images (and history) must stay, such as
	// other environments'. Each must exist.
	Files []string `mapstructure:"files"`
	// Other SSM parameters whose images (any version) must stay.
	SSMParameters []string `mapstructure:"ssm_parameters"`
	// The regions to prune in. Defaults to every region enabled for the
	// account.
	Regions []string `mapstructure:"regions"`
	// Only print what would be pruned.
	DryRun bool `mapstructure:"dry_run"`
}
