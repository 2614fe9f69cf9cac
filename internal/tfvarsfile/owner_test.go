package tfvarsfile

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestCreatedFileBelongsToTheWriter: a tfvars file the update creates is
// the writer's (as any new file would be), not handed to another user.
func TestCreatedFileBelongsToTheWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terraform.tfvars")
	if _, err := Update(context.Background(), path, Entry{Variable: "ami_id", Value: "ami-11111111"}, 0); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, HistoryPath(path)} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if uid, gid := owner(fi); uid != os.Getuid() || gid != os.Getgid() {
			t.Errorf("%s belongs to %d:%d, want the writer's %d:%d", filepath.Base(p), uid, gid, os.Getuid(), os.Getgid())
		}
	}
}
