//go:build acc

package setup

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/roottest"
)

// cloudInitRootKey is how cloud-init installs the launch key pair for root
// on Ubuntu (disable_root): usable only to be told which user to log in as.
const cloudInitRootKey = `no-port-forwarding,no-agent-forwarding,no-X11-forwarding,command="echo 'Please login as the user \"ubuntu\" rather than the user \"root\".';echo;sleep 10;exit 142" ` + tempKey + " build-key"

// TestClearAuthorizedKeys: with ssh_clear_authorized_keys, the seal empties
// the authorized_keys of the user the build logged in as (the build's key
// pair, whichever way the template got it), keeps the keys this
// configuration declares for that user, drops the build's keys from root's
// file (where cloud-init put them) and keeps root's other keys; files keep
// their mode and owner, and a second run changes nothing.
func TestClearAuthorizedKeys(t *testing.T) {
	t.Parallel()
	root := roottest.Root(t)
	if out, err := exec.Command("chroot", root, "useradd", "--create-home", "ubuntu").CombinedOutput(); err != nil {
		t.Fatalf("useradd: %v\n%s", err, out)
	}
	uid := atoi(strings.Split(line(t, read(t, root, "etc/passwd"), "ubuntu:"), ":")[2])
	buildKeys := tempKey + " build-key\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyPairNamedInTheTemplate ci\n"
	writeKeys(t, root, "home/ubuntu/.ssh/authorized_keys", buildKeys, uid)
	writeKeys(t, root, "root/.ssh/authorized_keys", cloudInitRootKey+"\n"+keepKey+"\n", 0)
	raw := map[string]interface{}{
		"ssh_clear_authorized_keys": true,
		"user":                      []map[string]interface{}{{"name": "ubuntu", "authorized_keys": []string{userKey}}},
	}
	data := map[string]interface{}{"User": "ubuntu"}
	for run := 1; run <= 2; run++ {
		out, err := provision(t, root, raw, data)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if got := read(t, root, "home/ubuntu/.ssh/authorized_keys"); got != userKey+"\n" {
			t.Errorf("run %d: ubuntu's authorized_keys holds %q, want only the declared key", run, got)
		}
		if got := read(t, root, "root/.ssh/authorized_keys"); got != keepKey+"\n" {
			t.Errorf("run %d: root's authorized_keys holds %q, want only the admin key", run, got)
		}
		expectMode(t, root, "home/ubuntu/.ssh/authorized_keys", 0o600, uid)
		expectMode(t, root, "root/.ssh/authorized_keys", 0o600, 0)
		if run == 2 && !strings.Contains(out, "holds no key to clear") {
			t.Errorf("the second run cleared keys again:\n%s", out)
		}
	}
}

func writeKeys(t *testing.T, root, path, content string, uid int) {
	t.Helper()
	p := filepath.Join(root, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Dir(p), p} {
		if err := os.Chown(f, uid, uid); err != nil {
			t.Fatal(err)
		}
	}
}
