package tfvarsfile

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

// TestBreakLockLeftByADeadWriterIsCleared: a writer that died while it held
// the break lock (the microseconds it takes to remove a stale lock) leaves
// path.lock.break behind; once it is older than deadGrace the next writer
// removes it, breaks the stale lock and writes, instead of waiting for ever.
func TestBreakLockLeftByADeadWriterIsCleared(t *testing.T) {
	path := seeded(t, "ami_id = \"ami-00000000\"\n")
	old := time.Now().Add(-staleAfter - time.Second)
	leaveLock(t, path, "1 build-server-7 00\n", old)
	bp := lockPath(path) + ".break"
	if err := os.WriteFile(bp, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(bp, old, old); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := Update(ctx, path, Entry{Variable: "ami_id", Value: "ami-11111111"}, 0); err != nil {
		t.Fatalf("Update with a leftover break lock: %v", err)
	}
	for _, p := range []string{lockPath(path), bp} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left: %v", p, err)
		}
	}
}
