//go:generate go tool packer-sdc mapstructure-to-hcl2 -type Config,DatasourceOutput
//go:generate go tool packer-sdc struct-markdown

package tfvars

import (
	"github.com/hashicorp/packer-plugin-sdk/common"
)

// Config is the `data "immutable-tfvars"` block: where to read an image ID.
// Either `path` (a tfvars file the immutable-tfvars post-processor writes,
// and optionally its history) or `ssm_parameter` (a channel it publishes in).
type Config struct {
	common.PackerConfig `mapstructure:",squash"`

	// The tfvars file to read, such as
	// `"${path.root}/../base/terraform.tfvars"` (a relative path starts at
	// the folder packer runs in). Set this or `ssm_parameter`.
	Path string `mapstructure:"path"`
	// The variable holding the image ID. Defaults to `ami_id`.
	Variable string `mapstructure:"variable"`
	// Read the image of `region` from this map variable of region to image
	// ID (the post-processor's `map_variable`, such as `ami_ids`) instead
	// of `variable`.
	MapVariable string `mapstructure:"map_variable"`
	// With `map_variable`, the key to read (required). With
	// `ssm_parameter`, the region of the parameter (defaults to the AWS
	// SDK's: AWS_REGION, the profile's).
	Region string `mapstructure:"region"`
	// Read an earlier image from the file's history: 1 is the image before
	// the current one (what `packer-plugin-immutable rollback` would
	// restore), 2 the one before that. Defaults to 0, the current image.
	Previous int `mapstructure:"previous"`
	// The SSM parameter to read, with an optional version or label:
	// `/images/base`, `/images/base:7` or `/images/base:prod`. Set this or
	// `path`.
	SSMParameter string `mapstructure:"ssm_parameter"`
	// The profile of the shared AWS config files for `ssm_parameter`.
	// Default: AWS_PROFILE, else `default`.
	Profile string `mapstructure:"profile"`
}

// DatasourceOutput is what the data source gives the template, as
// `data.immutable-tfvars.NAME.value` and so on.
type DatasourceOutput struct {
	// The image ID.
	Value string `mapstructure:"value"`
	// Every region's image of the same build, when the file or its history
	// records them (`map_variable`); empty otherwise.
	Images map[string]string `mapstructure:"images"`
	// The build that made the image, such as `immutable-ami.base`, when
	// recorded.
	Build string `mapstructure:"build"`
	// The image that one was built from, when recorded.
	SourceAMI string `mapstructure:"source_ami"`
	// The version of `ssm_parameter` read; 0 for a tfvars file.
	Version int64 `mapstructure:"version"`
}
