//go:build acc

package tfvarsfile

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestReplacedFileKeepsItsOwner: rewriting a tfvars file that belongs to
// someone else (a CI user's checkout updated by root) keeps its owner and
// group, also when only the group differs (0:1) or only the owner (1:0, a
// file in root's group). Giving a file away takes root, as in production,
// so this test runs as root.
func TestReplacedFileKeepsItsOwner(t *testing.T) {
	if os.Getuid() != 0 {
		t.Fatal("this test gives files away, which only root can: run the acc tier as root (as make test does)")
	}
	for _, own := range [][2]int{{1, 1}, {0, 1}, {1, 0}} {
		t.Run(fmt.Sprintf("%d:%d", own[0], own[1]), func(t *testing.T) {
			path := seeded(t, "ami_id = \"ami-00000000\"\n")
			if err := os.Chown(path, own[0], own[1]); err != nil {
				t.Fatal(err)
			}
			if _, err := Update(context.Background(), path, Entry{Variable: "ami_id", Value: "ami-11111111"}, 0); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if uid, gid := owner(fi); uid != own[0] || gid != own[1] {
				t.Errorf("after the update the file belongs to %d:%d, want %d:%d kept", uid, gid, own[0], own[1])
			}
		})
	}
}
