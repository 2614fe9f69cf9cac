package tfvarsfile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// lockPath is the sidecar lock file of a tfvars file. The tfvars file itself
// cannot carry the lock: the atomic rename replaces its inode, and a lock on
// the old inode would not exclude a writer that opens the new one.
func lockPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".lock")
}

// lockPoll is how often a waiting writer retries; writers hold the lock for
// milliseconds, so a short poll keeps waits short without a blocking flock
// that a cancelled build could not interrupt.
const lockPoll = 5 * time.Millisecond

// lock takes an exclusive OS lock (flock; LockFileEx on Windows) on path's
// sidecar lock file and returns the function that releases it. The kernel
// releases the lock if the process dies, so a crashed build never leaves it
// held.
func lock(ctx context.Context, path string) (unlock func(), err error) {
	lp := lockPath(path)
	f, err := os.OpenFile(lp, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening lock file %s: %w", lp, err)
	}
	for {
		busy, err := tryLock(f)
		if err == nil && !busy {
			return func() { _ = f.Close() }, nil // closing releases the lock
		}
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("locking %s: %w", lp, err)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("waiting for the lock on %s (held by another build or command): %w", lp, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}
