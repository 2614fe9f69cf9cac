package tfvarsfile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

var update = flag.Bool("update", false, "rewrite testdata/splice/*.golden from the current output")

var (
	testAMI  = StringValue("ami-0123456789abcdef0")
	testAMIs = MapValue(map[string]string{"us-east-1": "ami-0123456789abcdef0", "us-west-2": "ami-0fedcba9876543210"})
)

// editsFor picks the edits of a golden case by its name: cases about maps
// also set ami_ids.
func editsFor(name string) []Edit {
	edits := []Edit{{Name: "ami_id", Value: testAMI}}
	if strings.Contains(name, "map") || name == "noop" {
		edits = append(edits, Edit{Name: "ami_ids", Value: testAMIs})
	}
	return edits
}

func TestSetGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/splice/*.in.tfvars")
	if len(inputs) < 15 {
		t.Fatalf("expected the golden inputs in testdata/splice, found %d", len(inputs))
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".in.tfvars")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			edits := editsFor(name)
			got, changed, err := Set(src, name, edits...)
			if err != nil {
				t.Fatalf("Set: %v", err)
			}
			golden := strings.TrimSuffix(in, ".in.tfvars") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s\n got: %q\nwant: %q", golden, got, want)
			}
			if changed == bytes.Equal(src, got) {
				t.Errorf("changed=%v but output equal to input: %v", changed, bytes.Equal(src, got))
			}
			assertEdited(t, src, got, edits)
		})
	}
}

// assertEdited checks that out parses, holds the edits and that every other
// top-level attribute has the same source text as in src.
func assertEdited(t *testing.T, src, out []byte, edits []Edit) {
	t.Helper()
	before, after := attrTexts(t, src), attrTexts(t, out)
	for _, e := range edits {
		v, found, err := Get(out, "out", e.Name, e.Value.IsMap())
		if err != nil || !found || !v.Equal(e.Value) {
			t.Errorf("%s after Set = %+v (found %v, err %v), want %+v", e.Name, v, found, err, e.Value)
		}
		delete(before, e.Name)
		delete(after, e.Name)
	}
	for name, text := range before {
		if after[name] != text {
			t.Errorf("attribute %s changed from %q to %q", name, text, after[name])
		}
	}
	if len(before) != len(after) {
		t.Errorf("other attributes: before %d, after %d", len(before), len(after))
	}
}

func attrTexts(t *testing.T, src []byte) map[string]string {
	t.Helper()
	f, diags := hclsyntax.ParseConfig(src, "x", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("does not parse: %v\n%q", diags, src)
	}
	m := map[string]string{}
	for n, a := range f.Body.(*hclsyntax.Body).Attributes {
		m[n] = string(a.SrcRange.SliceBytes(src))
	}
	return m
}
