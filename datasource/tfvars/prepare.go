package tfvars

import (
	"fmt"
	"path/filepath"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/config"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsid"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// Prepare decodes raws, fills defaults and reports every problem at once,
// each naming its attribute.
func (c *Config) Prepare(raws ...interface{}) error {
	if err := config.Decode(c, &config.DecodeOpts{PluginType: "immutable-tfvars"}, raws...); err != nil {
		return err
	}
	if c.Variable == "" {
		c.Variable = "ami_id"
	}
	var errs *packersdk.MultiError
	for _, err := range c.problems() {
		errs = packersdk.MultiErrorAppend(errs, err)
	}
	if errs != nil && len(errs.Errors) > 0 {
		return errs
	}
	if abs, err := filepath.Abs(c.Path); err == nil && c.Path != "" {
		c.Path = abs
	}
	return nil
}

func (c *Config) problems() []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch {
	case c.Path == "" && c.SSMParameter == "":
		add("path or ssm_parameter is required: the tfvars file (or SSM parameter) to read the image ID from")
	case c.Path != "" && c.SSMParameter != "":
		add("path and ssm_parameter are both set: keep one")
	}
	if !hclsyntax.ValidIdentifier(c.Variable) {
		add("variable: %q is not a valid Terraform variable name", c.Variable)
	}
	if c.MapVariable != "" && !hclsyntax.ValidIdentifier(c.MapVariable) {
		add("map_variable: %q is not a valid Terraform variable name", c.MapVariable)
	}
	if c.MapVariable != "" && c.Region == "" {
		add("map_variable %s: set region to the key to read, such as \"us-east-1\"", c.MapVariable)
	}
	if c.Region != "" && !awsid.IsRegion(c.Region) {
		add("region: %q is not an AWS region name such as us-east-1", c.Region)
	}
	if c.Previous < 0 {
		add("previous: %d must be 0 (the current image) or more", c.Previous)
	}
	if c.SSMParameter != "" {
		if _, err := ssmchannel.ParseRef(c.SSMParameter); err != nil {
			add("ssm_parameter: %w", err)
		}
		if c.Previous != 0 || c.MapVariable != "" {
			add("previous and map_variable read a tfvars file's history: with ssm_parameter, name a version or label instead, such as \"/images/base:prod\"")
		}
	}
	return errs
}

// errorf prefixes err with the attribute it is about.
func errorf(attr string, err error) error { return fmt.Errorf("%s: %w", attr, err) }
