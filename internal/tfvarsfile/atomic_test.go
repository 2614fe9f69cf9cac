package tfvarsfile

import (
	"context"
	"os"
	"testing"
)

// TestUpdateReplacesTheFileWhole: an update writes a new file and renames
// it over the old one, never rewriting the old one in place, so a reader
// (terraform plan, an editor, a crash) sees the old file or the new one,
// never a part of either.
func TestUpdateReplacesTheFileWhole(t *testing.T) {
	path := seeded(t, "region = \"us-east-1\"\nami_id = \"ami-00000000\"\n")
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Update(context.Background(), path, Entry{Variable: "ami_id", Value: "ami-11111111"}, 0); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Error("the file was rewritten in place: a reader could see it half written")
	}
}
