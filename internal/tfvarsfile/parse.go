package tfvarsfile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// ErrInvalid marks every error about a file's content (as opposed to I/O), so
// callers can tell "fix the file" from "fix the disk".
var ErrInvalid = errors.New("invalid tfvars file")

// parse parses src as HCL native syntax. A duplicate attribute and any other
// syntax error are reported with file, line and column.
func parse(src []byte, filename string) (*hclsyntax.Body, error) {
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	body, _ := f.Body.(*hclsyntax.Body)
	if !diags.HasErrors() {
		return body, nil
	}
	var msgs []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msgs = append(msgs, describe(d, body, src))
	}
	return nil, fmt.Errorf("%w: %s (fix the file by hand; it was left unchanged)",
		ErrInvalid, strings.Join(msgs, "; "))
}

// describe words one parse diagnostic for the user.
func describe(d *hcl.Diagnostic, body *hclsyntax.Body, src []byte) string {
	if d.Subject == nil {
		return fmt.Sprintf("%s: %s", d.Summary, d.Detail)
	}
	at := fmt.Sprintf("%s:%d:%d", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
	if d.Summary == "Attribute redefined" && body != nil {
		name := string(d.Subject.SliceBytes(src))
		if first, ok := body.Attributes[name]; ok {
			return fmt.Sprintf("%s: attribute %q appears twice (lines %d and %d): delete one of them",
				at, name, first.NameRange.Start.Line, d.Subject.Start.Line)
		}
	}
	return fmt.Sprintf("%s: %s %s", at, d.Summary, d.Detail)
}

// current returns the top-level attribute name and its value: attr is nil
// when it is absent, set is false when it is absent or null (a placeholder
// to fill). A value of the wrong kind (not a string, or not a map of strings
// when want is a map) is an error naming the attribute and its position.
func current(src []byte, body *hclsyntax.Body, name string, want Value) (v Value, attr *hclsyntax.Attribute, set bool, err error) {
	attr, ok := body.Attributes[name]
	if !ok {
		return Value{}, nil, false, nil
	}
	at := fmt.Sprintf("%s:%d:%d", attr.SrcRange.Filename, attr.SrcRange.Start.Line, attr.SrcRange.Start.Column)
	cv, diags := attr.Expr.Value(nil)
	if diags.HasErrors() || !cv.IsWhollyKnown() {
		return Value{}, nil, false, fmt.Errorf("%w: %s: attribute %q is not a literal value (%s); tfvars files take only literals",
			ErrInvalid, at, name, diags.Error())
	}
	if cv.IsNull() {
		return Value{}, attr, false, nil
	}
	got, err := fromCty(cv, want.IsMap())
	if err != nil {
		return Value{}, nil, false, fmt.Errorf("%w: %s: attribute %q %w: change it by hand or choose another variable name",
			ErrInvalid, at, name, err)
	}
	if obj, ok := attr.Expr.(*hclsyntax.ObjectConsExpr); ok && want.IsMap() {
		if _, err := mapKeys(src, obj, name); err != nil {
			return Value{}, nil, false, err
		}
	}
	return got, attr, true, nil
}

// fromCty converts a string, or a map/object of strings, to a Value.
func fromCty(v cty.Value, wantMap bool) (Value, error) {
	ty := v.Type()
	if !wantMap {
		if ty != cty.String {
			return Value{}, fmt.Errorf("is %s, not a string", ty.FriendlyName())
		}
		return StringValue(v.AsString()), nil
	}
	if !ty.IsMapType() && !ty.IsObjectType() {
		return Value{}, fmt.Errorf("is %s, not a map of strings", ty.FriendlyName())
	}
	m := map[string]string{}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if e.IsNull() || e.Type() != cty.String {
			return Value{}, fmt.Errorf("has key %q that is %s, not a string", k.AsString(), e.Type().FriendlyName())
		}
		m[k.AsString()] = e.AsString()
	}
	return MapValue(m), nil
}

// Get returns the value of the top-level attribute name in src, found=false
// when it is absent or null. wantMap selects the expected kind.
func Get(src []byte, filename, name string, wantMap bool) (v Value, found bool, err error) {
	body, err := parse(src, filename)
	if err != nil {
		return Value{}, false, err
	}
	want := Value{}
	if wantMap {
		want = MapValue(nil)
	}
	v, _, found, err = current(src, body, name, want)
	return v, found, err
}
