package ami

import (
	"fmt"
	"reflect"

	"github.com/hashicorp/packer-plugin-sdk/template/config"
)

// PendingOptions are amazon-ebs options that are being built (issue 11) on
// other branches: spot instances through an EC2 Fleet, the public-IP source
// rule.
// Until each lands, the template may name it (so a ported template reads
// the same) and Prepare refuses it, naming it: never accepted and ignored.
// Merging a branch that implements one removes its field here.
type PendingOptions struct {
	// Not supported yet (spot instances).
	SpotPrice string `mapstructure:"spot_price" required:"false" undocumented:"true"`
	// Not supported yet (spot instances).
	SpotInstanceTypes []string `mapstructure:"spot_instance_types" required:"false" undocumented:"true"`
	// Not supported yet (spot instances).
	SpotTags map[string]string `mapstructure:"spot_tags" required:"false" undocumented:"true"`
	// Not supported yet (spot instances).
	SpotTag config.KeyValues `mapstructure:"spot_tag" required:"false" undocumented:"true"`
	// Not supported yet (spot instances).
	FleetTags map[string]string `mapstructure:"fleet_tags" required:"false" undocumented:"true"`
	// Not supported yet (spot instances).
	FleetTag config.KeyValues `mapstructure:"fleet_tag" required:"false" undocumented:"true"`
	// Not supported yet (spot instances).
	SpotAllocationStrategy string `mapstructure:"spot_allocation_strategy" required:"false" undocumented:"true"`
	// Not supported yet (spot instances).
	SpotPriceAutoProduct string `mapstructure:"spot_price_auto_product" required:"false" undocumented:"true"`
	// Not supported yet (spot instances).
	BlockDurationMinutes int64 `mapstructure:"block_duration_minutes" required:"false" undocumented:"true"`
	// Not supported yet (the public-IP source rule).
	TemporarySGSourcePublicIP bool `mapstructure:"temporary_security_group_source_public_ip" required:"false" undocumented:"true"`
}

// Prepare refuses every pending option that is set.
func (p *PendingOptions) Prepare() []error {
	var errs []error
	v := reflect.ValueOf(p).Elem()
	for i := range v.NumField() {
		if unset(v.Field(i)) {
			continue
		}
		name := v.Type().Field(i).Tag.Get("mapstructure")
		errs = append(errs, fmt.Errorf("%s is not supported by immutable-ami yet (it is being added, with the rest of amazon-ebs' "+
			"spot options): remove it, or build this image with amazon-ebs for now", name))
	}
	return errs
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
