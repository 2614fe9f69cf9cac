package tfvarsfile

import "testing"

// TestRemovingAnAttributeKeepsEverythingElse: a rollback to a state
// without a region map removes that attribute's lines (with a comment on
// its last line) and nothing else, whether a comment follows it or not.
func TestRemovingAnAttributeKeepsEverythingElse(t *testing.T) {
	const rest = "\n# next\nami_id = \"ami-0123456789abcdef0\"\n"
	for name, ending := range map[string]string{"bare": "}\n", "comment": "} # the build's\n"} {
		src := "region = \"us-east-1\"\nami_ids = {\n  \"us-east-1\" = \"ami-0123456789abcdef0\"\n" + ending + rest
		got, changed, err := Set([]byte(src), "t.tfvars", Edit{Name: "ami_ids", Value: MapValue(nil), Remove: true})
		if want := "region = \"us-east-1\"\n" + rest; err != nil || !changed || string(got) != want {
			t.Errorf("%s: Set = %q, %v, %v; want %q", name, got, changed, err, want)
		}
	}
}
