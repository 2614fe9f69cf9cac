//go:build acc

// Package e2e runs the project's whole loop with the real binaries — packer,
// the plugin, terraform, and the local cloud (moto behind a daemon that
// boots every instance for real) — and asserts on what a user would check
// in the cloud afterwards. Everything is started here (never skipped when
// missing) and stopped by PID when the test ends.
package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloud"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloudtest"
)

// requireRoot fails the test early: local instances need root.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("local instances need root (mount, chroot and namespaces in localcloud/instance/boot.sh); run as root")
	}
}

// cloudWithInstance starts a local cloud in a fresh work folder, registers
// a new SSH key in EC2 under name (and one under each of others, in
// WORK/NAME) and launches an instance of the base image with the first,
// in a group admitting SSH from this machine. It returns the cloud, the
// work folder, the private key's path and the instance.
func cloudWithInstance(t *testing.T, name string, others ...string) (*localcloudtest.Cloud, string, string, localcloud.InstanceInfo) {
	t.Helper()
	requireRoot(t)
	work := t.TempDir()
	logDir = work
	c := localcloudtest.Start(t, filepath.Join(work, "cloud"))
	for _, other := range others {
		c.ImportKey(t, other, sshKey(t, work, other)+".pub")
	}
	key := sshKey(t, work, name)
	c.ImportKey(t, name, key+".pub")
	group := c.OpenGroup(t, "ssh", "127.0.0.1/32", 22)
	return c, work, key, c.Launch(t, localcloudtest.BaseImage, name, group)
}

func sshKey(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	mustRun(t, dir, nil, "ssh-keygen-"+name, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path)
	return path
}

// sshArgs is the ssh command line that logs in to the instance as user
// with key, as a user would (through the instance's gate).
func sshArgs(c *localcloudtest.Cloud, in localcloud.InstanceInfo, key, user string) []string {
	return []string{"-i", key, "-p", c.SSHPort(), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", user + "@" + in.PublicIP}
}

// sshRun runs a command on the instance; stdout and stderr together.
func sshRun(c *localcloudtest.Cloud, in localcloud.InstanceInfo, key, user, command string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ssh", append(sshArgs(c, in, key, user), command)...).CombinedOutput()
	return string(out), err
}
