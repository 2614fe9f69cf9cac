package tfvarsfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// FuzzSet asserts, for any input, that Set either refuses it (and the input
// did not parse, or the attribute had the wrong kind) or returns a file that
// parses, holds the new values and leaves every other attribute's source
// text as it was. The golden inputs are the seed corpus, so `go test` runs
// them as a normal test.
func FuzzSet(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/splice/*.in.tfvars")
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, "ami-0123456789abcdef0", "us-east-1")
	}
	f.Add([]byte("ami_id = \"a\"\nami_id = \"b\"\n"), "ami-1", "r")
	f.Add([]byte("ami_id = [1]\n"), "ami-1", "r")
	// Keys that are not plain strings: numbers, expressions, references,
	// duplicates, a comment in a one-line map.
	for _, m := range []string{`{ 0 = "ami-1" }`, `{ -1 = "a" }`, `{ 1.5 = "a" }`, `{ (var.x) = "a" }`, `{ a.b = "a" }`,
		`{ ("k") = "a" }`, `{ "${"r"}" = "a" }`, `{ true = "a", null = "b" }`, "{\n  r = \"a\"\n  \"r\" = \"b\"\n}",
		`{ r = "a" /* c */ }`, "{\n  r = \"a\", s = \"b\"\n}", "{\n  r = /* c\n */ \"a\"\n}"} {
		f.Add([]byte("ami_ids = "+m+"\n"), "ami-1", "r")
	}
	f.Fuzz(func(t *testing.T, src []byte, ami, region string) {
		edits := []Edit{
			{Name: "ami_id", Value: StringValue(ami)},
			{Name: "ami_ids", Value: MapValue(map[string]string{region: ami, "zz-other-1": "ami-x"})},
		}
		orig := bytes.Clone(src)
		out, _, err := Set(src, "fuzz", edits...)
		if !bytes.Equal(src, orig) {
			t.Fatal("Set modified its input slice")
		}
		if err != nil {
			if !bytes.Equal(out, src) {
				t.Fatal("Set returned an error and a different output")
			}
			return
		}
		if _, diags := hclsyntax.ParseConfig(src, "in", hcl.InitialPos); diags.HasErrors() {
			t.Fatalf("Set accepted an input that does not parse: %q", src)
		}
		assertEdited(t, src, out, edits)
	})
}
