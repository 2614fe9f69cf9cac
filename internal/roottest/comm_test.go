package roottest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUploadStaysInsideTheRoot: a symlink in the root pointing at the host's
// filesystem must not let an upload write outside the root.
func TestUploadStaysInsideTheRoot(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	c := &Comm{Dir: root}
	if err := c.Upload("/escape/file", strings.NewReader("x"), nil); err == nil {
		t.Error("an upload through an absolute symlink succeeded")
	}
	if _, err := os.Stat(filepath.Join(outside, "file")); err == nil {
		t.Error("the upload wrote outside the root")
	}
	if err := c.Upload("/../../ok", strings.NewReader("y"), nil); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := c.Download("/ok", &b); err != nil || b.String() != "y" {
		t.Errorf("download of /ok: %q %v", b.String(), err)
	}
}
