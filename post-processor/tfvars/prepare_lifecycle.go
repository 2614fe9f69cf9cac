package tfvars

import (
	"fmt"
	"os"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsid"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/prune"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// defaultPruneKeep is prune.keep when unset.
const defaultPruneKeep = 3

// checkLifecycle validates ssm_parameter and the prune block, every
// problem named by its attribute.
func (c *Config) checkLifecycle() []error {
	var errs []error
	if c.SSMParameter != "" {
		if err := ssmchannel.CheckWritable(c.SSMParameter); err != nil {
			errs = append(errs, fmt.Errorf("ssm_parameter: %w", err))
		}
	}
	p := c.Prune
	if p == nil {
		return errs
	}
	if p.Keep == 0 {
		p.Keep = defaultPruneKeep
	}
	if p.Keep < 1 {
		errs = append(errs, fmt.Errorf("prune.keep: %d must be 1 or more (the newest image may not be named anywhere yet)", p.Keep))
	}
	if p.KeepWithin == "" {
		p.KeepWithin = prune.DefaultKeepWithin.String()
	}
	if p.KeepWithin != "" {
		if _, err := prune.ParseAge(p.KeepWithin); err != nil {
			errs = append(errs, fmt.Errorf("prune.keep_within: %w", err))
		}
	}
	for _, f := range p.Files {
		if _, err := os.Stat(f); err != nil {
			errs = append(errs, fmt.Errorf("prune.files: %w: list only tfvars files that exist (relative paths start at the folder packer runs in; use path.root)", err))
		}
	}
	for _, name := range p.SSMParameters {
		if err := ssmchannel.CheckName(name); err != nil {
			errs = append(errs, fmt.Errorf("prune.ssm_parameters: %w", err))
		}
	}
	for _, r := range p.Regions {
		if !awsid.IsRegion(r) {
			errs = append(errs, fmt.Errorf("prune.regions: %q is not an AWS region name such as us-east-1", r))
		}
	}
	return errs
}
