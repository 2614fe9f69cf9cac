package tfvarsfile

import (
	"maps"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// FoundFrom is the From of a "found" history entry.
const FoundFrom = "found in the file (written by hand or by another tool)"

// found returns the entry that records what e replaces, when the history
// does not hold it: a value (or region map) written by hand before the
// first build or promotion, or since the last one. It keeps the exact
// source text of the value and of the map variable (or that it was
// absent), so that rollback restores them byte for byte.
func found(src []byte, body *hclsyntax.Body, history []Entry, e Entry) (Entry, bool) {
	old, attr, set, err := current(src, body, e.Variable, Value{})
	if err != nil || !set || old.String == e.Value {
		return Entry{}, false // nothing to roll back to, or not a rollback target
	}
	for i := len(history) - 1; i >= 0; i-- {
		if h := history[i]; h.Variable == e.Variable {
			if h.Value == old.String && mapRecorded(src, body, h, e.MapVariable) {
				return Entry{}, false // the last write recorded it all
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

// mapRecorded reports whether entry h describes the map variable name as
// the file holds it ("" needs no map): its recorded text or absence, or
// the region map it wrote.
func mapRecorded(src []byte, body *hclsyntax.Body, h Entry, name string) bool {
	if name == "" {
		return true
	}
	a, exists := body.Attributes[name]
	if raw, ok := h.Raw[name]; ok {
		return (raw == "" && !exists) || (exists && exprText(src, a) == raw)
	}
	m, _, set, err := current(src, body, name, MapValue(nil))
	return h.MapVariable == name && err == nil && set && maps.Equal(m.Map, h.Images)
}

// exprText is the exact source text of an attribute's value.
func exprText(src []byte, attr *hclsyntax.Attribute) string {
	return string(attr.Expr.Range().SliceBytes(src))
}
