package ami

import (
	"fmt"
	"reflect"
)

// PendingOptions are amazon-ebs options that are being built (issue 11) on
// other branches: the public-IP source rule.
// Until each lands, the template may name it (so a ported template reads
// the same) and Prepare refuses it, naming it: never accepted and ignored.
// Merging a branch that implements one removes its field here.
type PendingOptions struct {
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
			"options): remove it, or build this image with amazon-ebs for now", name))
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
