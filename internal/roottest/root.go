// Package roottest gives tests a throwaway Debian root (unpacked from the
// tarball tools/debian-root.sh caches) and a packersdk.Communicator that
// runs commands in it with chroot, so provisioners run for real without
// touching the host.
package roottest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// Root unpacks a fresh Debian bookworm root into a temporary folder that
// is removed after the test, and returns its path. Its apt installs from
// the local apt mirror (no network).
func Root(t testing.TB) string {
	t.Helper()
	tarball := rootTarball(t)
	dir := t.TempDir()
	out, err := exec.Command("tar", "-xpf", tarball, "--numeric-owner", "-C", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("unpacking %s: %v\n%s", tarball, err, out)
	}
	useLocalMirror(t, dir)
	// sudo warns when it cannot resolve the host name; the chroot shares it.
	if host, err := os.Hostname(); err == nil {
		f, err := os.OpenFile(filepath.Join(dir, "etc/hosts"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
		if err == nil {
			_, _ = f.WriteString("127.0.1.1 " + host + "\n")
			f.Close()
		}
	}
	return dir
}

// rootTarball runs tools/debian-root.sh, which builds the tarball once.
func rootTarball(t testing.TB) string {
	t.Helper()
	script := filepath.Join(packertest.RepoRoot(t), "tools", "debian-root.sh")
	cmd := exec.Command(script)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	return strings.TrimSpace(string(out))
}
