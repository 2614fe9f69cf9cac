//go:build acc

package setup

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// packerBody is the provisioner block of the successful build.
var packerBody = `
    group {
      name   = "hashicorp"
      system = true
    }
    user {
      name            = "terraform"
      groups          = ["hashicorp"]
      shell           = "/bin/bash"
      sudo_nopasswd   = true
      authorized_keys = ["` + userKey + `"]
    }
    file {
      content     = "baked by packer\n"
      destination = "/etc/motd"
    }
    inline = ["echo \"inline ran as $(id -un) for $PACKER_BUILD_NAME\""]
    verify {
      name    = "terraform can sudo"
      command = "sudo -u terraform sudo -n true"
    }`

// TestPackerBuildThroughSSH runs immutable-setup from a real packer build
// (null source) over SSH into an instance of the project's local cloud
// (localcloud/up.sh): a throwaway Debian root booted in its own namespaces,
// where the connecting user is ubuntu with passwordless sudo and the launch
// key pair, as on a cloud image.
// It proves the HCL blocks, the plugin RPC, uploads by the SSH communicator
// and the sudo execute_command; then a failing check fails the build.
func TestPackerBuildThroughSSH(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	packer := packertest.Packer(t)
	packertest.Install(t, packer, packertest.BuildPlugin(t, tmp, false), filepath.Join(tmp, "plugins"))
	key := filepath.Join(tmp, "id_ed25519")
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key)
	root, host, port := localInstance(t, filepath.Join(tmp, "cloud"), key+".pub")

	// First a failing check (before sealing: a sealed instance has no host
	// keys left, so sshd takes no new connection, as intended).
	out, err := packerBuild(t, packer, tmp, host, port, key, `
    verify {
      name    = "nginx answers"
      command = "echo probing nginx; command -v nginx"
    }`)
	t.Logf("the failing build:\n%s", out)
	if err == nil || !strings.Contains(out, `step 2/3 "verify nginx answers" failed with exit code 127`) {
		t.Errorf("a failing check did not fail the build naming it (err %v):\n%s", err, out)
	}

	out, err = packerBuild(t, packer, tmp, host, port, key, packerBody)
	if err != nil {
		t.Fatalf("packer build: %v\n%s", err, out)
	}
	for _, want := range []string{"[4/8] user terraform", "inline ran as root for local", "immutable-setup: 8 steps done"} {
		if !strings.Contains(out, want) {
			t.Errorf("packer output lacks %q:\n%s", want, out)
		}
	}
	if got := read(t, root, "home/terraform/.ssh/authorized_keys"); got != userKey+"\n" {
		t.Errorf("authorized_keys holds %q", got)
	}
	if got := read(t, root, "etc/motd"); got != "baked by packer\n" {
		t.Errorf("motd holds %q", got)
	}
	noRunDirLeft(t, root)
}
