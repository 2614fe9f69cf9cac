//go:build acc

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

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

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
