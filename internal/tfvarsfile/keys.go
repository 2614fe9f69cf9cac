package tfvarsfile

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// mapKeys returns the key of each item of the map literal obj (attribute
// name), in source order. HCL turns a number or bool key into a string
// silently ({ 0 = "ami-…" } is {"0" = …}), but a region map's keys are
// region names, so anything but a string is a mistake to fix by hand; a key
// given twice (HCL keeps the last one silently) too.
func mapKeys(src []byte, obj *hclsyntax.ObjectConsExpr, name string) ([]string, error) {
	keys := make([]string, len(obj.Items))
	first := map[string]hcl.Range{}
	for i, item := range obj.Items {
		r := item.KeyExpr.Range()
		at := fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
		k, diags := item.KeyExpr.Value(nil)
		switch {
		case diags.HasErrors() || !k.IsWhollyKnown() || k.IsNull():
			return nil, fmt.Errorf("%w: %s: a key of map %q is not a literal (%s): write it as a quoted region name such as \"us-east-1\"",
				ErrInvalid, at, name, diags.Error())
		case k.Type() != cty.String:
			text := string(r.SliceBytes(src))
			return nil, fmt.Errorf("%w: %s: map %q has the key %s, which is a %s: its keys are region names; write them quoted, such as \"us-east-1\" = \"ami-…\" (or %q if %s is really meant), then run again; the file was left unchanged",
				ErrInvalid, at, name, text, k.Type().FriendlyName(), text, text)
		}
		keys[i] = k.AsString()
		if prev, dup := first[keys[i]]; dup {
			return nil, fmt.Errorf("%w: %s: map %q has the key %q twice (lines %d and %d): delete one of them; the file was left unchanged",
				ErrInvalid, at, name, keys[i], prev.Start.Line, r.Start.Line)
		}
		first[keys[i]] = r
	}
	return keys, nil
}
