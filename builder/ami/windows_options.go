//go:generate go tool packer-sdc mapstructure-to-hcl2 -type FastLaunch,FastLaunchTemplate

package ami

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/packer-plugin-sdk/communicator"
)

// WindowsOptions are amazon-ebs' Windows-only options. immutable-ami builds
// Linux images over SSH: Windows is out of scope, so Prepare refuses these
// (and communicator = "winrm" with every winrm_* attribute), naming
// amazon-ebs as the builder for Windows images. They are in the spec so the
// error is ours and says why, not a bare "unsupported argument".
type WindowsOptions struct {
	// Windows only: refused.
	WindowsPasswordTimeout string `mapstructure:"windows_password_timeout" required:"false" undocumented:"true"`
	// Windows only (EC2 Fast Launch): refused.
	FastLaunch *FastLaunch `mapstructure:"fast_launch" required:"false" undocumented:"true"`
}

// FastLaunch is amazon-ebs' fast_launch block (Windows only).
type FastLaunch struct {
	UseFastLaunch         bool                 `mapstructure:"enable_fast_launch" required:"false"`
	LaunchTemplateID      string               `mapstructure:"template_id" required:"false"`
	LaunchTemplateName    string               `mapstructure:"template_name" required:"false"`
	LaunchTemplateVersion int                  `mapstructure:"template_version" required:"false"`
	RegionLaunchTemplates []FastLaunchTemplate `mapstructure:"region_launch_templates" required:"false"`
	MaxParallelLaunches   int                  `mapstructure:"max_parallel_launches" required:"false"`
	TargetResourceCount   int                  `mapstructure:"target_resource_count" required:"false"`
}

// FastLaunchTemplate is one region's launch template in fast_launch.
type FastLaunchTemplate struct {
	UseFastLaunch         bool   `mapstructure:"enable_fast_launch" required:"false"`
	Region                string `mapstructure:"region" required:"false"`
	LaunchTemplateID      string `mapstructure:"template_id" required:"false"`
	LaunchTemplateName    string `mapstructure:"template_name" required:"false"`
	LaunchTemplateVersion int    `mapstructure:"template_version" required:"false"`
}

// windowsOutOfScope is the reason every Windows option is refused.
const windowsOutOfScope = "Windows images are out of scope for immutable-ami, which builds Linux images over SSH: " +
	"build Windows images with amazon-ebs (github.com/hashicorp/amazon), whose artifacts immutable-tfvars also reads"

// Prepare refuses the Windows options, and the WinRM communicator and its
// attributes in comm.
func (w *WindowsOptions) Prepare(comm *communicator.Config) []error {
	var errs []error
	if comm.Type == "winrm" {
		errs = append(errs, fmt.Errorf("communicator \"winrm\" is not supported: %s", windowsOutOfScope))
	}
	if set := setWinRMAttributes(comm.WinRM); len(set) > 0 {
		errs = append(errs, fmt.Errorf("%s not supported: %s", strings.Join(set, ", ")+pluralIs(len(set)), windowsOutOfScope))
	}
	if w.WindowsPasswordTimeout != "" {
		errs = append(errs, fmt.Errorf("windows_password_timeout is not supported: %s", windowsOutOfScope))
	}
	if w.FastLaunch != nil {
		errs = append(errs, fmt.Errorf("fast_launch (EC2 Fast Launch for Windows) is not supported: %s", windowsOutOfScope))
	}
	return errs
}

// setWinRMAttributes names the winrm_* attributes given a value.
func setWinRMAttributes(w communicator.WinRM) []string {
	var set []string
	v := reflect.ValueOf(w)
	for i := range v.NumField() {
		tag := v.Type().Field(i).Tag.Get("mapstructure")
		if tag != "" && !unset(v.Field(i)) {
			set = append(set, tag)
		}
	}
	return set
}

func pluralIs(n int) string {
	if n == 1 {
		return " is"
	}
	return " are"
}

// unset reports whether a decoded attribute was not given: its zero value,
// or an empty list or map (HCL2 decodes absent repeatable blocks to one).
func unset(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}
