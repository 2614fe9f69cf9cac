package ec2proxy

import (
	"bytes"
	"encoding/xml"
	"html"
	"regexp"
	"strings"
)

// InstanceItem is one instance in a RunInstances or DescribeInstances
// answer: its ID and the bytes of its <item> element.
type InstanceItem struct {
	ID   string
	XML  []byte
	from int
	to   int
}

// Instances finds every instancesSet/item element of an EC2 answer. moto
// puts <instanceId> after the network interfaces, so an item's extent comes
// from the XML structure, not from where its ID is.
func Instances(body []byte) []InstanceItem {
	return ItemsIn(body, "instancesSet", "instanceId")
}

// Images finds every imagesSet/item element of a DescribeImages answer.
func Images(body []byte) []InstanceItem {
	return ItemsIn(body, "imagesSet", "imageId")
}

// ItemsIn finds every set/item element of an EC2 answer whose idElement
// child gives its ID.
func ItemsIn(body []byte, set, idElement string) []InstanceItem {
	d := xml.NewDecoder(bytes.NewReader(body))
	var (
		stack []string
		items []InstanceItem
		start int64
	)
	for {
		before := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			return items
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			if atPath(stack, set, "item") {
				start = before
			}
		case xml.CharData:
			if atPath(stack, set, "item", idElement) {
				items = append(items, InstanceItem{ID: strings.TrimSpace(string(t)), from: int(start)})
			}
		case xml.EndElement:
			if atPath(stack, set, "item") && len(items) > 0 && items[len(items)-1].to == 0 {
				last := &items[len(items)-1]
				last.to = int(d.InputOffset())
				last.XML = body[last.from:last.to]
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func atPath(stack []string, tail ...string) bool {
	if len(stack) < len(tail) {
		return false
	}
	for i, name := range tail {
		if stack[len(stack)-len(tail)+i] != name {
			return false
		}
	}
	return true
}

// EachInstance replaces every instance item of an answer by what f returns
// for it.
func EachInstance(body []byte, f func(item InstanceItem) []byte) []byte {
	return EachItem(body, Instances(body), f)
}

// EachItem replaces each of items (found in body) by what f returns for
// it; nil drops the item.
func EachItem(body []byte, items []InstanceItem, f func(item InstanceItem) []byte) []byte {
	if len(items) == 0 {
		return body
	}
	var out bytes.Buffer
	last := 0
	for _, it := range items {
		if it.to == 0 {
			continue
		}
		out.Write(body[last:it.from])
		out.Write(f(it))
		last = it.to
	}
	out.Write(body[last:])
	return out.Bytes()
}

// Element returns the text of the first <name> element in x, or "".
func Element(x []byte, name string) string {
	m := regexp.MustCompile(`<` + regexp.QuoteMeta(name) + `>([^<]*)</` + regexp.QuoteMeta(name) + `>`).FindSubmatch(x)
	if m == nil {
		return ""
	}
	return html.UnescapeString(string(m[1]))
}

// Elements returns the text of every <name> element in x.
func Elements(x []byte, name string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<`+regexp.QuoteMeta(name)+`>([^<]*)</`+regexp.QuoteMeta(name)+`>`).FindAllSubmatch(x, -1) {
		out = append(out, html.UnescapeString(string(m[1])))
	}
	return out
}

// RewriteElements replaces the text of every <element>…</element> named in
// values, wherever it appears in x.
func RewriteElements(x []byte, values map[string]string) []byte {
	for element, value := range values {
		re := regexp.MustCompile(`<` + regexp.QuoteMeta(element) + `>[^<]*</` + regexp.QuoteMeta(element) + `>`)
		repl := []byte("<" + element + ">" + html.EscapeString(value) + "</" + element + ">")
		x = re.ReplaceAllLiteral(x, repl)
	}
	return x
}

var instanceState = regexp.MustCompile(`<instanceState><code>\d+</code><name>[a-z-]+</name></instanceState>`)

// SetInstanceState replaces an instance item's state (EC2's code and name:
// 0 pending, 16 running, 32 shutting-down, 48 terminated, 64 stopping, 80
// stopped).
func SetInstanceState(item []byte, code, name string) []byte {
	return instanceState.ReplaceAllLiteral(item, []byte("<instanceState><code>"+code+"</code><name>"+name+"</name></instanceState>"))
}

// InstanceState returns the state name of an instance item ("running").
func InstanceState(item []byte) string {
	m := instanceStateName.FindSubmatch(item)
	if m == nil {
		return ""
	}
	return string(m[1])
}

var instanceStateName = regexp.MustCompile(`<instanceState><code>\d+</code><name>([a-z-]+)</name></instanceState>`)
