package tfvarsfile

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// lineStart returns the offset of the start of the line holding off.
func lineStart(src []byte, off int) int {
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

// lineTail returns the offset after the line break of the line holding off,
// ok=false unless only blanks, one comma and comments that end on that line
// follow off.
func lineTail(src []byte, off int) (int, bool) {
	i := skipBlanks(src, off)
	if i < len(src) && src[i] == ',' {
		i = skipBlanks(src, i+1)
	}
	for i < len(src) {
		rest := src[i:]
		switch {
		case rest[0] == '\n':
			return i + 1, true
		case bytes.HasPrefix(rest, []byte("\r\n")):
			return i + 2, true
		case rest[0] == '#' || bytes.HasPrefix(rest, []byte("//")):
			nl := bytes.IndexByte(rest, '\n')
			return i + nl + 1, nl >= 0
		case bytes.HasPrefix(rest, []byte("/*")):
			end := bytes.Index(rest, []byte("*/"))
			if end < 0 || bytes.IndexByte(rest[:end], '\n') >= 0 {
				return 0, false
			}
			i = skipBlanks(src, i+end+2)
		default:
			return 0, false
		}
	}
	return 0, false
}

func skipBlanks(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return i
}

func blank(b []byte) bool { return len(bytes.Trim(b, " \t")) == 0 }

// hasComment reports whether the HCL expression text holds a comment.
func hasComment(text []byte) bool {
	tokens, _ := hclsyntax.LexExpression(text, "", hcl.InitialPos)
	for _, t := range tokens {
		if t.Type == hclsyntax.TokenComment {
			return true
		}
	}
	return false
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
