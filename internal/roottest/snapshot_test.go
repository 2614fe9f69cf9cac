package roottest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSnapshotDiff(t *testing.T) {
	root := t.TempDir()
	write := func(p, s string, mode os.FileMode) {
		_ = os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755)
		if err := os.WriteFile(filepath.Join(root, p), []byte(s), mode); err != nil {
			t.Fatal(err)
		}
		_ = os.Chmod(filepath.Join(root, p), mode)
	}
	write("etc/a", "1", 0o644)
	write("etc/b", "2", 0o644)
	write("var/log/syslog", "x", 0o644)
	before := Snapshot(t, root)
	write("etc/a", "changed", 0o644)
	write("etc/b", "2", 0o600)
	write("etc/c", "new", 0o644)
	write("var/log/syslog", "moves legitimately", 0o644)
	diff := strings.Join(Diff(before, Snapshot(t, root)), "\n")
	for _, want := range []string{"added   /etc/c", "changed /etc/a", "changed /etc/b -rw-r--r--"} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, diff)
		}
	}
	if strings.Contains(diff, "/var/log") {
		t.Errorf("volatile paths compared:\n%s", diff)
	}
}
