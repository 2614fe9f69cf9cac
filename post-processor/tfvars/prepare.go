package tfvars

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsid"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// DefaultPath is where the tfvars file is by default: the seed's layout,
// images/ beside instances/.
const DefaultPath = "../instances/terraform.tfvars"

// Prepare decodes raws, applies defaults and validates everything before the
// build starts (a failure after the bake would cost the image: Packer
// deletes the builder's artifact when its only post-processor fails). All
// problems are reported at once, each naming its attribute.
func (c *Config) Prepare(raws ...interface{}) error {
	var ctx interpolate.Context
	if err := config.Decode(c, &config.DecodeOpts{
		PluginType:         "immutable-tfvars",
		Interpolate:        true,
		InterpolateContext: &ctx,
	}, raws...); err != nil {
		return err
	}
	c.defaults()
	var errs *packersdk.MultiError
	add := func(err error) { errs = packersdk.MultiErrorAppend(errs, err) }
	names := true
	if !hclsyntax.ValidIdentifier(c.Variable) {
		add(fmt.Errorf("variable: %q is not a valid Terraform variable name (letters, digits, _ and -, not starting with a digit)", c.Variable))
		names = false
	}
	if c.MapVariable != "" && (!hclsyntax.ValidIdentifier(c.MapVariable) || c.MapVariable == c.Variable) {
		add(fmt.Errorf("map_variable: %q must be a valid Terraform variable name other than variable (%q)", c.MapVariable, c.Variable))
		names = false
	}
	if c.Region != "" && !awsid.IsRegion(c.Region) {
		add(fmt.Errorf("region: %q is not an AWS region name such as us-east-1: set region to the region whose image goes into variable (one of %s), or remove it to use the builder's",
			c.Region, strings.Join(awsid.Regions(), ", ")))
	}
	for _, err := range c.checkLifecycle() {
		add(err)
	}
	if c.KeepHistory < 0 {
		add(fmt.Errorf("keep_history: %d must be 1 or more (or unset for %d)", c.KeepHistory, tfvarsfile.DefaultKeepHistory))
	}
	if names {
		for _, err := range c.checkFiles() {
			add(err)
		}
	}
	if errs != nil && len(errs.Errors) > 0 {
		return errs
	}
	return nil
}

func (c *Config) defaults() {
	if c.Path == "" {
		c.Path = DefaultPath
	}
	if abs, err := filepath.Abs(c.Path); err == nil {
		c.Path = abs
	}
	if c.Variable == "" {
		c.Variable = "ami_id"
	}
	if c.KeepHistory == 0 {
		c.KeepHistory = tfvarsfile.DefaultKeepHistory
	}
}

// checkFiles checks the tfvars file (folder exists, file parses, values of
// the right kind) and, with module_dir, the module's variable declarations.
func (c *Config) checkFiles() []error {
	var errs []error
	if err := tfvarsfile.Check(c.Path, c.Variable, c.MapVariable); err != nil {
		errs = append(errs, fmt.Errorf("path: %w", err))
	}
	if c.ModuleDir == "" {
		return errs
	}
	if err := tfvarsfile.CheckDeclared(c.ModuleDir, c.Variable, false); err != nil {
		errs = append(errs, fmt.Errorf("module_dir (variable): %w", err))
	}
	if c.MapVariable != "" {
		if err := tfvarsfile.CheckDeclared(c.ModuleDir, c.MapVariable, true); err != nil {
			errs = append(errs, fmt.Errorf("module_dir (map_variable): %w", err))
		}
	}
	return errs
}
