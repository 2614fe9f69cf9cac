package tfvarsfile

import (
	"strings"
	"testing"
)

// TestCheckReportsAFileItCannotRead: Prepare's check fails on a path that
// exists but cannot be read as a file (here a folder), before the bake,
// instead of passing and failing after it.
func TestCheckReportsAFileItCannotRead(t *testing.T) {
	dir := t.TempDir()
	if err := Check(dir, "ami_id", ""); err == nil || !strings.Contains(err.Error(), "reading "+dir) {
		t.Errorf("Check(a folder) = %v, want the read error", err)
	}
}
