//go:build acc

package setup

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloudtest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// localInstance launches an instance of the base image in a local cloud
// (localcloud/up.sh, stopped by PID after the test) with the public key
// file pub as its launch key pair, in a group admitting SSH from this
// machine. It returns the instance's root as the host sees it, and its
// SSH address and port.
func localInstance(t *testing.T, dir, pub string) (root, host, port string) {
	c := localcloudtest.Start(t, dir)
	c.ImportKey(t, "packer", pub)
	group := c.OpenGroup(t, "ssh", "127.0.0.1/32", 22)
	in := c.Launch(t, localcloudtest.BaseImage, "packer", group)
	return in.Root, in.PublicIP, c.SSHPort()
}

func packerBuild(t *testing.T, packer, tmp, host, port, key, body string) (string, error) {
	template := `source "null" "local" {
  ssh_host             = "` + host + `"
  ssh_port             = ` + port + `
  ssh_username         = "ubuntu"
  ssh_private_key_file = "` + key + `"
  ssh_timeout          = "30s"
}

build {
  sources = ["source.null.local"]
  provisioner "immutable-setup" {
    boot_timeout = "` + testBootTimeout + `"` + body + `
  }
}
`
	path := filepath.Join(tmp, "build.pkr.hcl")
	if err := os.WriteFile(path, []byte(template), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(packer, "build", "-color=false", path)
	cmd.Env = packertest.Env(filepath.Join(tmp, "plugins"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func run(t *testing.T, name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %v: %v\n%s%s", name, args, err, out, stderr)
	}
	return string(out)
}
