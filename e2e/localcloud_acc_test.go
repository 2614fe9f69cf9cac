//go:build acc

package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// TestLocalCloud checks the local cloud's contract that TestLoop and
// `make demo` rely on: the stand-in instance accepts exactly the key pairs
// registered in EC2 for `ubuntu`, who has passwordless sudo; changes stay
// inside the instance's root; new-instance.sh gives a fresh root; down.sh
// stops what up.sh started.
func TestLocalCloud(t *testing.T) {
	repo := packertest.RepoRoot(t)
	c, work, registered := cloudWithKey(t, repo, "registered")
	stranger := sshKey(t, work, "stranger")

	marker := "/etc/e2e-marker-" + strconv.Itoa(os.Getpid())
	out, err := sshRun(c, registered, "ubuntu", "sudo -n id -u && hostname && sudo -n touch "+marker)
	if err != nil || out != "0\nlocal-instance\n" {
		t.Fatalf("ssh ubuntu@instance with the registered key: %v, output %q; want uid 0 through sudo on local-instance", err, out)
	}
	if out, err := sshRun(c, stranger, "ubuntu", "true"); err == nil || !strings.Contains(out, "Permission denied") {
		t.Fatalf("a key not registered in EC2 got in (err %v, output %q)", err, out)
	}
	if _, err := os.Stat(filepath.Join(c.env["INSTANCE_ROOT"], marker)); err != nil {
		t.Fatalf("the file created in the instance is not in its root: %v", err)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the instance wrote %s on the host (stat: %v)", marker, err)
	}

	oldSSHD := c.env["SSHD_PID"]
	c.newInstance(t)
	if _, err := os.Stat(filepath.Join(c.env["INSTANCE_ROOT"], marker)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("new-instance.sh: the new root still has %s (stat: %v)", marker, err)
	}
	assertGone(t, oldSSHD, "the previous instance's sshd")
	if out, err := sshRun(c, registered, "ubuntu", "true"); err != nil {
		t.Fatalf("ssh to the new instance: %v\n%s", err, out)
	}

	mustRun(t, repo, nil, "down", filepath.Join(repo, "localcloud", "down.sh"), c.dir)
	assertGone(t, c.env["SSHD_PID"], "sshd")
	assertGone(t, c.env["MOTO_PID"], "moto_server")
}

func sshKey(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	mustRun(t, dir, nil, "ssh-keygen-"+name, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path)
	return path
}

// sshRun runs a command on the local instance with the ssh client, as a
// user would; stdout and stderr together.
func sshRun(c *localCloud, key, user, command string) (string, error) {
	out, err := exec.Command("ssh", "-i", key, "-p", c.env["SSH_PORT"], "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
		user+"@"+c.env["SSH_HOST"], command).CombinedOutput()
	return string(out), err
}

func assertGone(t *testing.T, pid, what string) {
	t.Helper()
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 0 {
		t.Fatalf("%s: bad PID %q in cloud.env", what, pid)
	}
	if err := syscall.Kill(n, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("%s (pid %d) still runs (kill -0: %v)", what, n, err)
	}
}
