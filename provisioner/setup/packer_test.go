package setup

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPackerBuildThroughSSH runs immutable-setup from a real packer build
// (null source) over SSH into the project's local instance: an sshd
// chrooted into a throwaway Debian root (localcloud/new-instance.sh), where
// the connecting user is ubuntu with passwordless sudo, as on a cloud image.
// It proves the HCL blocks, the plugin RPC, uploads by the SSH communicator
// and the sudo execute_command; then a failing check fails the build.
func TestPackerBuildThroughSSH(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	packer := packerWithPlugin(t, tmp)
	root, port := localInstance(t, filepath.Join(tmp, "cloud"))
	key := filepath.Join(tmp, "id_ed25519")
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key)
	pub, _ := os.ReadFile(key + ".pub")
	authorize(t, root, string(pub))

	// First a failing check (before sealing: a sealed instance has no host
	// keys left, so sshd takes no new connection, as intended).
	out, err := packerBuild(t, packer, tmp, port, key, `
    verify {
      name    = "nginx answers"
      command = "echo probing nginx; command -v nginx"
    }`)
	t.Logf("the failing build:\n%s", out)
	if err == nil || !strings.Contains(out, `step 1/2 "verify nginx answers" failed with exit code 127`) {
		t.Errorf("a failing check did not fail the build naming it (err %v):\n%s", err, out)
	}

	out, err = packerBuild(t, packer, tmp, port, key, `
    group {
      name   = "hashicorp"
      system = true
    }
    user {
      name            = "terraform"
      groups          = ["hashicorp"]
      shell           = "/bin/bash"
      sudo_nopasswd   = true
      authorized_keys = ["`+userKey+`"]
    }
    file {
      content     = "baked by packer\n"
      destination = "/etc/motd"
    }
    inline = ["echo \"inline ran as $(id -un) for $PACKER_BUILD_NAME\""]
    verify {
      name    = "terraform can sudo"
      command = "sudo -u terraform sudo -n true"
    }`)
	if err != nil {
		t.Fatalf("packer build: %v\n%s", err, out)
	}
	for _, want := range []string{"[3/7] user terraform", "inline ran as root for local", "immutable-setup: 7 steps done"} {
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

// packerWithPlugin builds the plugin and installs it for packer into a
// private plugin folder; it returns the packer binary.
func packerWithPlugin(t *testing.T, tmp string) string {
	repo := filepath.Join("..", "..")
	packer := strings.TrimSpace(run(t, filepath.Join(repo, "tools", "packer.sh")))
	plugin := filepath.Join(tmp, "packer-plugin-immutable")
	build := exec.Command("go", "build", "-o", plugin, ".")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, out)
	}
	install := exec.Command(packer, "plugins", "install", "--path", plugin, "github.com/immutable-infrastructure/immutable")
	install.Env = packerEnv(tmp)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("installing the plugin: %v\n%s", err, out)
	}
	return packer
}

func packerEnv(tmp string) []string {
	return append(os.Environ(), "CHECKPOINT_DISABLE=1", "PACKER_PLUGIN_PATH="+filepath.Join(tmp, "plugins"))
}

// localInstance starts sshd in a fresh Debian root with
// localcloud/new-instance.sh and stops it (by its PID) after the test.
func localInstance(t *testing.T, dir string) (root, port string) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// No EC2 here: the instance's key lookup fails and sshd falls back to
	// ~/.ssh/authorized_keys.
	env := filepath.Join(dir, "cloud.env")
	if err := os.WriteFile(env, []byte("AWS_ENDPOINT_URL=http://127.0.0.1:9\nAWS_REGION=us-east-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, filepath.Join("..", "..", "localcloud", "new-instance.sh"), dir)
	vars := readEnv(t, env)
	pid, err := strconv.Atoi(vars["SSHD_PID"])
	if err != nil {
		t.Fatalf("cloud.env has no SSHD_PID: %v", vars)
	}
	t.Cleanup(func() { stopPID(pid) })
	return vars["INSTANCE_ROOT"], vars["SSH_PORT"]
}

func stopPID(pid int) {
	_ = syscall.Kill(pid, syscall.SIGTERM)
	for i := 0; i < 50 && syscall.Kill(pid, 0) == nil; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
}

func readEnv(t *testing.T, path string) map[string]string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vars := map[string]string{}
	for s := bufio.NewScanner(f); s.Scan(); {
		if k, v, ok := strings.Cut(s.Text(), "="); ok {
			vars[k] = v
		}
	}
	return vars
}

// authorize lets the key log in as ubuntu.
func authorize(t *testing.T, root, pub string) {
	dir := filepath.Join(root, "home/ubuntu/.ssh")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), []byte(pub), 0o600); err != nil {
		t.Fatal(err)
	}
	uid := atoi(strings.Split(line(t, read(t, root, "etc/passwd"), "ubuntu:"), ":")[2])
	for _, p := range []string{dir, filepath.Join(dir, "authorized_keys")} {
		if err := os.Chown(p, uid, uid); err != nil {
			t.Fatal(err)
		}
	}
}

func packerBuild(t *testing.T, packer, tmp, port, key, body string) (string, error) {
	template := `source "null" "local" {
  ssh_host             = "127.0.0.1"
  ssh_port             = ` + port + `
  ssh_username         = "ubuntu"
  ssh_private_key_file = "` + key + `"
  ssh_timeout          = "30s"
}

build {
  sources = ["source.null.local"]
  provisioner "immutable-setup" {` + body + `
  }
}
`
	path := filepath.Join(tmp, "build.pkr.hcl")
	if err := os.WriteFile(path, []byte(template), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(packer, "build", "-color=false", path)
	cmd.Env = packerEnv(tmp)
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
