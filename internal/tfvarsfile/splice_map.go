package tfvarsfile

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// replaceMap returns the splices that turn the map literal obj of attr
// (value old) into v. A map written one item per line keeps its layout: the
// lines of kept regions and every comment and blank line stay, a removed
// region's line goes (with its own trailing comment), a new region gets a
// line of its own in sorted position, indented like its neighbours. A map
// that was laid out as `terraform fmt` does is formatted so again. Any
// other layout (a one-line map) is rewritten whole, which would lose
// comments inside it: that is refused instead.
func replaceMap(src []byte, attr *hclsyntax.Attribute, obj *hclsyntax.ObjectConsExpr, old, v Value, nl string) ([]splice, error) {
	keys, err := mapKeys(src, obj, attr.Name)
	if err != nil {
		return nil, err
	}
	r := obj.Range()
	m, ok := layoutOf(src, obj, keys)
	switch {
	case ok:
		text := m.rebuild(old.Map, v.Map, nl, indentOf(src, attr.NameRange.Start.Byte)+"  ")
		if before, ok := fmtMap(attr.Name, src[r.Start.Byte:r.End.Byte]); ok && before == string(src[r.Start.Byte:r.End.Byte]) {
			text, _ = fmtMap(attr.Name, []byte(text))
		}
		return []splice{{r.Start.Byte, r.End.Byte, text}}, nil
	case sameKeys(old.Map, v.Map):
		return replaceValues(obj, keys, old, v), nil
	case hasComment(src[r.Start.Byte:r.End.Byte]):
		return nil, fmt.Errorf("%w: %s:%d: map %q has comments but not one region per line, so adding or removing a region would lose them: put each region on a line of its own, or remove the comments",
			ErrInvalid, r.Filename, r.Start.Line, attr.Name)
	}
	return []splice{{r.Start.Byte, r.End.Byte, render(v, indentOf(src, attr.NameRange.Start.Byte), nl)}}, nil
}

// replaceValues splices only the values that change (same keys, any layout).
func replaceValues(obj *hclsyntax.ObjectConsExpr, keys []string, old, v Value) []splice {
	var out []splice
	for i, item := range obj.Items {
		if nv := v.Map[keys[i]]; old.Map[keys[i]] != nv {
			r := item.ValueExpr.Range()
			out = append(out, splice{r.Start.Byte, r.End.Byte, quote(nv)})
		}
	}
	return out
}

// mapLayout is a map literal written one item per line: "{" ends its line
// (but for a comment), every item has lines of its own, "}" starts its line.
type mapLayout struct {
	src        []byte
	start, end int // "{" … "}"
	openEnd    int // after the line break of the "{" line
	closeStart int // start of the "}" line
	items      []itemLine
}

// itemLine is one item of a mapLayout.
type itemLine struct {
	key        string
	bare       bool // key written as an identifier (us-east-1), not quoted
	start, end int  // from its line start to after its last line break
	keyStart   int
	eq         int // the "=" (or ":")
	value      hcl.Range
}

// layoutOf returns obj's layout, ok=false when it is not one item per line.
func layoutOf(src []byte, obj *hclsyntax.ObjectConsExpr, keys []string) (mapLayout, bool) {
	r := obj.Range()
	m := mapLayout{src: src, start: r.Start.Byte, end: r.End.Byte}
	openEnd, ok := lineTail(src, obj.OpenRange.End.Byte)
	closing := r.End.Byte - 1
	if !ok || !blank(src[lineStart(src, closing):closing]) {
		return m, false
	}
	m.openEnd, m.closeStart = openEnd, lineStart(src, closing)
	prev := openEnd
	for i, item := range obj.Items {
		kr, vr := item.KeyExpr.Range(), item.ValueExpr.Range()
		it := itemLine{key: keys[i], start: lineStart(src, kr.Start.Byte), keyStart: kr.Start.Byte, value: vr}
		it.end, ok = lineTail(src, vr.End.Byte)
		eq := bytes.IndexAny(src[kr.End.Byte:vr.Start.Byte], "=:")
		if !ok || eq < 0 || it.start < prev || it.end > m.closeStart || !blank(src[it.start:it.keyStart]) {
			return m, false
		}
		it.eq = kr.End.Byte + eq
		_, it.bare = item.KeyExpr.(*hclsyntax.ObjectConsKeyExpr).Wrapped.(*hclsyntax.ScopeTraversalExpr)
		m.items = append(m.items, it)
		prev = it.end
	}
	return m, true
}

// rebuild returns the map's text holding v: kept items with their values
// replaced where they changed, removed items' lines dropped, new items
// inserted before the first kept item whose key sorts after theirs.
func (m mapLayout) rebuild(old, v map[string]string, nl, indent string) string {
	var added []string
	for _, k := range slices.Sorted(maps.Keys(v)) {
		if _, ok := old[k]; !ok {
			added = append(added, k)
		}
	}
	var b strings.Builder
	b.Write(m.src[m.start:m.openEnd])
	prev, anchor := m.openEnd, (*itemLine)(nil)
	for i := range m.items {
		it := &m.items[i]
		nv, kept := v[it.key]
		for ; kept && len(added) > 0 && added[0] < it.key; added = added[1:] {
			b.WriteString(m.newLine(added[0], v[added[0]], it, indent, nl))
		}
		b.Write(m.src[prev:it.start]) // comment and blank lines before the item
		if kept {
			b.WriteString(m.withValue(it, old[it.key], nv))
			anchor = it
		}
		prev = it.end
	}
	if len(m.items) == 0 { // new items after the comments of an empty map
		b.Write(m.src[prev:m.closeStart])
		prev = m.closeStart
	} else if anchor == nil {
		anchor = &m.items[len(m.items)-1]
	}
	for _, k := range added {
		b.WriteString(m.newLine(k, v[k], anchor, indent, nl))
	}
	b.Write(m.src[prev:m.end])
	return b.String()
}

// withValue returns an item's lines with its value replaced when it changed.
func (m mapLayout) withValue(it *itemLine, old, v string) string {
	if old == v {
		return string(m.src[it.start:it.end])
	}
	return string(m.src[it.start:it.value.Start.Byte]) + quote(v) + string(m.src[it.value.End.Byte:it.end])
}

// newLine renders a new item like its neighbour: same indentation, its "="
// in the same column when the key fits, a bare key when the neighbour's is.
func (m mapLayout) newLine(k, v string, near *itemLine, indent, nl string) string {
	key, pad := quote(k), 1
	if near != nil {
		indent = string(m.src[near.start:near.keyStart])
		if near.bare && hclsyntax.ValidIdentifier(k) {
			key = k
		}
		pad = max(1, near.eq-near.start-len(indent)-len(key))
	}
	return indent + key + strings.Repeat(" ", pad) + "= " + quote(v) + nl
}

// fmtMap returns the map literal text as `terraform fmt` would lay it out
// as the value of attribute name.
func fmtMap(name string, text []byte) (string, bool) {
	prefix := name + " = "
	out := string(hclwrite.Format(append([]byte(prefix), text...)))
	rest, ok := strings.CutPrefix(out, prefix)
	return rest, ok
}
