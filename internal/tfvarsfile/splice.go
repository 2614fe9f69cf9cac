package tfvarsfile

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Set applies edits to the tfvars source src and returns the new source and
// whether anything changed. Only the bytes of each target value change; an
// absent attribute is appended at the end in the file's own line-ending
// style. src must parse and each existing target must be of the edit's kind,
// otherwise Set returns an error wrapping ErrInvalid and src is not modified.
// The file is parsed once, whatever the number of edits.
func Set(src []byte, filename string, edits ...Edit) ([]byte, bool, error) {
	body, err := parse(src, filename)
	if err != nil {
		return src, false, err
	}
	return setParsed(src, body, edits)
}

// setParsed is Set on src already parsed into body.
func setParsed(src []byte, body *hclsyntax.Body, edits []Edit) ([]byte, bool, error) {
	nl := lineEnding(src)
	var splices []splice
	var appends []Edit
	seen := map[string]bool{}
	for _, e := range edits {
		if !hclsyntax.ValidIdentifier(e.Name) || seen[e.Name] {
			return src, false, fmt.Errorf("%q is not a valid Terraform variable name, or is given twice", e.Name)
		}
		seen[e.Name] = true
		if err := representable(e); err != nil {
			return src, false, err
		}
		old, attr, isSet, err := current(src, body, e.Name, e.Value)
		switch {
		case err != nil:
			return src, false, err
		case e.Remove:
			if attr != nil {
				splices = append(splices, removal(src, attr))
			}
		case attr == nil:
			appends = append(appends, e)
		case e.Raw != "":
			if r := attr.Expr.Range(); string(r.SliceBytes(src)) != e.Raw {
				splices = append(splices, splice{r.Start.Byte, r.End.Byte, e.Raw})
			}
		case !isSet || !old.Equal(e.Value):
			s, err := replace(src, attr, old, e.Value, nl)
			if err != nil {
				return src, false, err
			}
			splices = append(splices, s...)
		}
	}
	if len(splices) == 0 && len(appends) == 0 {
		return src, false, nil
	}
	return apply(src, splices, appends, nl), true, nil
}

// removal deletes attr with its lines (and a comment on its last line).
func removal(src []byte, attr *hclsyntax.Attribute) splice {
	start, end := attr.SrcRange.Start.Byte, len(src)
	ls := lineStart(src, start)
	if bytes.HasPrefix(src[ls:start], utf8BOM) {
		ls += len(utf8BOM) // the BOM stays
	}
	if blank(src[ls:start]) {
		start = ls
	}
	if nl := bytes.IndexByte(src[attr.SrcRange.End.Byte:], '\n'); nl >= 0 {
		end = attr.SrcRange.End.Byte + nl + 1
	}
	return splice{start, end, ""}
}

// replace returns the splices that turn attr's value old into v: a map
// literal becoming another map keeps its layout and comments
// (replaceMap); anything else is re-rendered whole.
func replace(src []byte, attr *hclsyntax.Attribute, old, v Value, nl string) ([]splice, error) {
	if obj, ok := attr.Expr.(*hclsyntax.ObjectConsExpr); ok && v.IsMap() && old.IsMap() {
		return replaceMap(src, attr, obj, old, v, nl)
	}
	r := attr.Expr.Range()
	return []splice{{r.Start.Byte, r.End.Byte, render(v, indentOf(src, attr.NameRange.Start.Byte), nl)}}, nil
}

func sameKeys(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

// splice replaces src[start:end] with text.
type splice struct {
	start, end int
	text       string
}

// apply performs the splices (on distinct attributes, so they never
// overlap) and then the appends.
func apply(src []byte, splices []splice, appends []Edit, nl string) []byte {
	slices.SortFunc(splices, func(a, b splice) int { return a.start - b.start })
	out := make([]byte, 0, len(src)+256)
	at := 0
	for _, s := range splices {
		out = append(append(out, src[at:s.start]...), s.text...)
		at = s.end
	}
	out = append(out, src[at:]...)
	for _, e := range appends {
		out = appendAttr(out, e, nl)
	}
	return out
}

// representable refuses values that would read back differently from the
// file (invalid UTF-8, text that Unicode normalization changes), by parsing
// the rendered value (or the recorded source text) alone: cheap, whatever
// the size of the file. Recorded text may also be null (a placeholder).
func representable(e Edit) error {
	if e.Remove {
		return nil
	}
	text := valueText(e, "", "\n")
	expr, diags := hclsyntax.ParseExpression([]byte(text), e.Name, hcl.InitialPos)
	if !diags.HasErrors() {
		if v, d := expr.Value(nil); !d.HasErrors() && v.IsWhollyKnown() {
			if e.Raw != "" && v.IsNull() {
				return nil
			}
			if got, err := fromCty(v, e.Value.IsMap()); err == nil && got.Equal(e.Value) {
				return nil
			}
		}
	}
	return fmt.Errorf("the value for %q cannot be written exactly as HCL: %q", e.Name, text)
}

// valueText is the source text an edit writes: the recorded text, or the
// value rendered.
func valueText(e Edit, indent, nl string) string {
	if e.Raw != "" {
		return e.Raw
	}
	return render(e.Value, indent, nl)
}

// appendAttr adds "name = value" as the last line. A file that does not end
// with a line break gets one first, so the new attribute never joins a last
// line (or a trailing comment, which would swallow it).
func appendAttr(src []byte, e Edit, nl string) []byte {
	out := bytes.Clone(src)
	if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n")) && !bytes.Equal(out, utf8BOM) {
		out = append(out, nl...)
	}
	out = append(out, e.Name+" = "+valueText(e, "", nl)+nl...)
	return out
}
