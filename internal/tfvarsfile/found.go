package tfvarsfile

import "github.com/hashicorp/hcl/v2/hclsyntax"

// FoundFrom is the From of a "found" history entry.
const FoundFrom = "found in the file (written by hand or by another tool)"

// found returns the entry that records the value e replaces, when the
// history does not hold it: a value written by hand before the first build
// or promotion (or after the last one). It keeps the value's exact source
// text, and the map variable's (or that it was absent), so that rollback
// restores them byte for byte.
func found(src []byte, body *hclsyntax.Body, history []Entry, e Entry) (Entry, bool) {
	old, attr, set, err := current(src, body, e.Variable, Value{})
	if err != nil || !set || old.String == e.Value {
		return Entry{}, false
	}
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Variable == e.Variable {
			if history[i].Value == old.String {
				return Entry{}, false // recorded by the last write
			}
			break
		}
	}
	f := Entry{Time: e.Time, Action: ActionFound, Variable: e.Variable, Value: old.String, From: FoundFrom,
		Raw: map[string]string{e.Variable: exprText(src, attr)}}
	if e.MapVariable == "" {
		return f, true
	}
	f.MapVariable, f.Raw[e.MapVariable] = e.MapVariable, "" // "": absent
	if a, ok := body.Attributes[e.MapVariable]; ok {
		f.Raw[e.MapVariable] = exprText(src, a)
		if m, _, set, err := current(src, body, e.MapVariable, MapValue(nil)); err == nil && set {
			f.Images = m.Map
		}
	}
	return f, true
}

// exprText is the exact source text of an attribute's value.
func exprText(src []byte, attr *hclsyntax.Attribute) string {
	return string(attr.Expr.Range().SliceBytes(src))
}
