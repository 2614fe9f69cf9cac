//go:build acc

package setup

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/roottest"
)

// TestAptLockInDebianRoot holds apt's lists lock in a real Debian root (as
// cloud-init's apt run does right after boot) until the program has hit it
// and said it retries (no timer: a timer started before provisioning could
// expire before apt-get runs on a loaded machine); the retry then
// installs the package.
func TestAptLockInDebianRoot(t *testing.T) {
	t.Parallel()
	root := roottest.Root(t)
	lock, err := os.OpenFile(filepath.Join(root, "var/lib/apt/lists/lock"), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	// apt takes fcntl locks; this one is held by the test process.
	if err := syscall.FcntlFlock(lock.Fd(), syscall.F_SETLK, &syscall.Flock_t{Type: syscall.F_WRLCK}); err != nil {
		t.Fatal(err)
	}
	var ui syncBuffer
	ui.on("apt is locked by another process; retrying", func() {
		_ = syscall.FcntlFlock(lock.Fd(), syscall.F_SETLK, &syscall.Flock_t{Type: syscall.F_UNLCK})
	})
	out, err := provisionWatching(t, root, map[string]interface{}{
		"packages": []string{"tree"},
		// The retry delay (10 s by default) is shortened for the test.
		"environment_vars": []string{"apt_retry_delay=1"},
		"seal":             false,
	}, nil, &ui)
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if !strings.Contains(out, "Could not get lock") || !strings.Contains(out, "apt is locked by another process; retrying") {
		t.Errorf("no lock contention seen or no retry:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(root, "usr/bin/tree")); err != nil {
		t.Errorf("tree not installed after the lock was released: %v", err)
	}
}
