package tfvarsfile

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Set applies edits to the tfvars source src and returns the new source and
// whether anything changed. Only the bytes of each target value change; an
// absent attribute is appended at the end in the file's own line-ending
// style. src must parse and each existing target must be of the edit's kind,
// otherwise Set returns an error wrapping ErrInvalid and src is not modified.
func Set(src []byte, filename string, edits ...Edit) ([]byte, bool, error) {
	out, changed := src, false
	for _, e := range edits {
		next, ch, err := set(out, filename, e)
		if err != nil {
			return src, false, err
		}
		out, changed = next, changed || ch
	}
	if changed {
		if err := verify(out, filename, edits); err != nil {
			return src, false, err
		}
	}
	return out, changed, nil
}

// verify re-reads the edited source: never hand back something Terraform
// cannot read, or a value that reads back differently (invalid UTF-8, text
// that Unicode normalization changes).
func verify(out []byte, filename string, edits []Edit) error {
	body, err := parse(out, filename)
	if err != nil {
		return fmt.Errorf("internal error: the edited file would not parse, nothing written: %w", err)
	}
	for _, e := range edits {
		got, _, _, err := current(body, e.Name, e.Value)
		if err != nil || !got.Equal(e.Value) {
			return fmt.Errorf("the value for %q cannot be written exactly as HCL (%+v reads back as %+v)", e.Name, e.Value, got)
		}
	}
	return nil
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
	v, _, found, err = current(body, name, want)
	return v, found, err
}

func set(src []byte, filename string, e Edit) ([]byte, bool, error) {
	if !hclsyntax.ValidIdentifier(e.Name) {
		return nil, false, fmt.Errorf("%q is not a valid Terraform variable name", e.Name)
	}
	body, err := parse(src, filename)
	if err != nil {
		return nil, false, err
	}
	old, attr, isSet, err := current(body, e.Name, e.Value)
	if err != nil {
		return nil, false, err
	}
	nl := lineEnding(src)
	if attr == nil {
		return appendAttr(src, e, nl), true, nil
	}
	if isSet && old.Equal(e.Value) {
		return src, false, nil
	}
	r := attr.Expr.Range()
	text := render(e.Value, indentOf(src, attr.NameRange.Start.Byte), nl)
	out := make([]byte, 0, len(src)+len(text))
	out = append(out, src[:r.Start.Byte]...)
	out = append(out, text...)
	out = append(out, src[r.End.Byte:]...)
	return out, true, nil
}

// appendAttr adds "name = value" as the last line. A file that does not end
// with a line break gets one first, so the new attribute never joins a last
// line (or a trailing comment, which would swallow it).
func appendAttr(src []byte, e Edit, nl string) []byte {
	out := bytes.Clone(src)
	if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n")) && !bytes.Equal(out, utf8BOM) {
		out = append(out, nl...)
	}
	out = append(out, e.Name+" = "+render(e.Value, "", nl)+nl...)
	return out
}

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// lineEnding returns the file's line ending: CRLF when its first line break
// is CRLF, otherwise LF.
func lineEnding(src []byte) string {
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// indentOf returns the blanks between the start of the line holding offset
// and offset, or "" when anything else precedes it on that line.
func indentOf(src []byte, offset int) string {
	start := bytes.LastIndexByte(src[:offset], '\n') + 1
	lead := src[start:offset]
	if bytes.HasPrefix(lead, utf8BOM) {
		lead = lead[len(utf8BOM):]
	}
	if len(bytes.Trim(lead, " \t")) != 0 {
		return ""
	}
	return string(lead)
}
