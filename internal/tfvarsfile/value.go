// Package tfvarsfile edits Terraform variable files (terraform.tfvars) in
// place: a byte-exact splice of one attribute's value, validation, an OS file
// lock around read-modify-write, an atomic write and a history of the values
// written. The post-processor immutable-tfvars and the plugin's history,
// rollback and promote subcommands share it.
package tfvarsfile

import (
	"maps"
	"slices"
	"strings"
)

// Value is what a variable is set to: a string, or (when Map is non-nil) a
// map of strings such as region → image ID.
type Value struct {
	String string
	Map    map[string]string
}

// StringValue returns a string Value.
func StringValue(s string) Value { return Value{String: s} }

// MapValue returns a map Value; a nil map becomes an empty one.
func MapValue(m map[string]string) Value {
	if m == nil {
		m = map[string]string{}
	}
	return Value{Map: m}
}

// IsMap reports whether v is a map value.
func (v Value) IsMap() bool { return v.Map != nil }

// Equal reports whether v and o hold the same value.
func (v Value) Equal(o Value) bool {
	if v.IsMap() != o.IsMap() {
		return false
	}
	if v.IsMap() {
		return maps.Equal(v.Map, o.Map)
	}
	return v.String == o.String
}

// Edit sets the top-level attribute Name to Value.
type Edit struct {
	Name  string
	Value Value
	// Raw, when set, is the exact HCL text to write instead of rendering
	// Value (a value recorded from the file, restored as it was written);
	// it must evaluate to Value, or to null.
	Raw string
	// Remove deletes the attribute instead (restoring its absence).
	Remove bool
}

// quote renders s as an HCL quoted string literal, escaping what HCL would
// otherwise read as an escape, a template sequence or a line break.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			// "${" and "%{" start template sequences; doubling escapes them.
			b.WriteRune(r)
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// render returns v as HCL source, formatted as terraform fmt would: a map
// gets one sorted key per line with aligned "=", indented two spaces more
// than the attribute (indent), using the file's line ending nl.
func render(v Value, indent, nl string) string {
	if !v.IsMap() {
		return quote(v.String)
	}
	if len(v.Map) == 0 {
		return "{}"
	}
	keys := slices.Sorted(maps.Keys(v.Map))
	width := 0
	for _, k := range keys {
		width = max(width, len(quote(k)))
	}
	var b strings.Builder
	b.WriteString("{" + nl)
	for _, k := range keys {
		qk := quote(k)
		b.WriteString(indent + "  " + qk + strings.Repeat(" ", width-len(qk)) + " = " + quote(v.Map[k]) + nl)
	}
	b.WriteString(indent + "}")
	return b.String()
}
