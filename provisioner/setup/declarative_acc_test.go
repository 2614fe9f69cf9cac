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

func declarativeConfig(t *testing.T) map[string]interface{} {
	keyFile := filepath.Join(t.TempDir(), "tf-packer.pub")
	if err := os.WriteFile(keyFile, []byte("# generated with ssh-keygen\n"+fileKey+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return map[string]interface{}{
		"packages": []string{"jq"},
		"group":    []map[string]interface{}{{"name": "hashicorp", "system": true}},
		"user": []map[string]interface{}{{
			"name": "terraform", "groups": []string{"hashicorp"}, "shell": "/bin/bash",
			"sudo_nopasswd": true, "authorized_keys": []string{userKey}, "authorized_key_files": []string{keyFile},
		}},
		"file": []map[string]interface{}{
			{"content": "it's 'quoted' $HOME `id`\n", "destination": "/etc/immutable dir/motd", "mode": "0640", "owner": "terraform:hashicorp"},
			{"source": "testdata/hello.sh", "destination": "/usr/local/bin/hello", "mode": "0755"},
		},
		"verify": []map[string]interface{}{
			{"name": "jq works", "command": "echo '{\"a\":1}' | jq -e .a"},
			{"name": "terraform has passwordless sudo", "command": "sudo -u terraform sudo -n true"},
		},
	}
}

// dirtyRoot adds what a booted build instance has and sealing must remove
// (or, for authorized_keys, leave to the builder).
func dirtyRoot(t *testing.T, root string) {
	for path, content := range map[string]string{
		"root/.ssh/authorized_keys":                 keepKey + "\n" + tempKey + " packer\n",
		"var/lib/cloud/instance/obj":                "cloud-init state",
		"root/.bash_history":                        "cat secrets\n",
		"var/log/syslog":                            "booted\n",
		"var/log/syslog.1":                          "older\n",
		"var/log/journal/0123/system.journal":       "journal\n",
		"etc/machine-id":                            "0123456789abcdef0123456789abcdef\n",
		"var/lib/systemd/random-seed":               "seed shared by every instance\n",
		"tmp/build-leftover/secret":                 "downloaded during the build\n",
		"tmp/systemd-private-1234-chrony.service/x": "a running service's /tmp\n",
		"var/tmp/cache.bin":                         "left by a script\n",
	} {
		p := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDeclarativeSetupInDebianRoot runs the declarative configuration in
// a real Debian root, inspects the root, then runs it again and proves the
// second run changed nothing.
func TestDeclarativeSetupInDebianRoot(t *testing.T) {
	t.Parallel()
	root := roottest.Root(t)
	dirtyRoot(t, root)
	raw := declarativeConfig(t)
	data := map[string]interface{}{"SSHPublicKey": tempKey + "\n"}
	if _, err := provision(t, root, raw, data); err != nil {
		t.Fatalf("first run: %v", err)
	}
	checkAccounts(t, root)
	checkKeysAndFiles(t, root)
	checkSealed(t, root)
	noRunDirLeft(t, root)

	before := roottest.Snapshot(t, root)
	if len(before) < 5000 {
		t.Fatalf("the snapshot holds only %d paths; it cannot prove anything", len(before))
	}
	out, err := provision(t, root, raw, data)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if diff := roottest.Diff(before, roottest.Snapshot(t, root)); len(diff) > 0 {
		t.Errorf("the second run changed the root:\n%s", strings.Join(diff, "\n"))
	}
	for _, bad := range []string{"created", "installed /", "added"} {
		if strings.Contains(out, bad) {
			t.Errorf("the second run reports a change (%q)", bad)
		}
	}
}

func checkAccounts(t *testing.T, root string) {
	group := line(t, read(t, root, "etc/group"), "hashicorp:")
	if f := strings.Split(group, ":"); len(f) != 4 || atoi(f[2]) >= 1000 || f[3] != "terraform" {
		t.Errorf("group hashicorp is %q, want a system GID with member terraform", group)
	}
	if got := line(t, read(t, root, "etc/passwd"), "terraform:"); !strings.HasSuffix(got, ":/home/terraform:/bin/bash") {
		t.Errorf("passwd entry %q, want home /home/terraform and shell /bin/bash", got)
	}
	if got := line(t, read(t, root, "etc/shadow"), "terraform:"); !strings.HasPrefix(got, "terraform:*:") {
		t.Errorf("shadow entry %q, want password '*' (no password, key login allowed)", got)
	}
	sudoers := "etc/sudoers.d/90-immutable-terraform"
	if got := read(t, root, sudoers); got != "terraform ALL=(ALL) NOPASSWD:ALL\n" {
		t.Errorf("%s holds %q", sudoers, got)
	}
	expectMode(t, root, sudoers, 0o440, 0)
	if _, err := os.Stat(filepath.Join(root, "usr/bin/jq")); err != nil {
		t.Errorf("package jq not installed: %v", err)
	}
}

func checkKeysAndFiles(t *testing.T, root string) {
	uid := atoi(strings.Split(line(t, read(t, root, "etc/passwd"), "terraform:"), ":")[2])
	expectMode(t, root, "home/terraform/.ssh", 0o700|os.ModeDir, uid)
	expectMode(t, root, "home/terraform/.ssh/authorized_keys", 0o600, uid)
	if got := read(t, root, "home/terraform/.ssh/authorized_keys"); got != userKey+"\n"+fileKey+"\n" {
		t.Errorf("authorized_keys holds %q", got)
	}
	if got := read(t, root, "etc/immutable dir/motd"); got != "it's 'quoted' $HOME `id`\n" {
		t.Errorf("motd holds %q", got)
	}
	expectMode(t, root, "etc/immutable dir/motd", 0o640, uid)
	expectMode(t, root, "usr/local/bin/hello", 0o755, 0)
}

func checkSealed(t *testing.T, root string) {
	if keys, _ := filepath.Glob(filepath.Join(root, "etc/ssh/ssh_host_*")); len(keys) > 0 {
		t.Errorf("host keys left: %v", keys)
	}
	if got := read(t, root, "etc/machine-id"); got != "" {
		t.Errorf("machine-id is %q, want empty", got)
	}
	for _, gone := range []string{"var/lib/cloud", "root/.bash_history", "var/log/syslog.1", "var/log/journal/0123/system.journal",
		"var/lib/systemd/random-seed", "tmp/build-leftover", "var/tmp/cache.bin"} {
		if _, err := os.Lstat(filepath.Join(root, gone)); !os.IsNotExist(err) {
			t.Errorf("%s still exists", gone)
		}
	}
	if got := read(t, root, "var/log/syslog"); got != "" {
		t.Errorf("syslog holds %q, want it truncated", got)
	}
	if lists, _ := filepath.Glob(filepath.Join(root, "var/lib/apt/lists/*_Packages")); len(lists) > 0 {
		t.Errorf("apt lists left: %v", lists)
	}
	if read(t, root, "tmp/systemd-private-1234-chrony.service/x") == "" {
		t.Error("a running service's private /tmp was emptied")
	}
	// The builder (immutable-ami) removes its temporary key; the seal
	// leaves authorized_keys alone unless ssh_clear_authorized_keys.
	if got := read(t, root, "root/.ssh/authorized_keys"); got != keepKey+"\n"+tempKey+" packer\n" {
		t.Errorf("root's authorized_keys holds %q, want it untouched by the seal", got)
	}
	expectMode(t, root, "root/.ssh/authorized_keys", 0o600, 0)
}

func expectMode(t *testing.T, root, path string, mode os.FileMode, uid int) {
	t.Helper()
	info, err := os.Lstat(filepath.Join(root, path))
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if info.Mode() != mode || int(info.Sys().(*syscall.Stat_t).Uid) != uid {
		t.Errorf("%s is %v owned by %d, want %v owned by %d", path, info.Mode(), info.Sys().(*syscall.Stat_t).Uid, mode, uid)
	}
}

// line returns the first line starting with prefix.
func line(t *testing.T, text, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Errorf("no line starting with %q", prefix)
	return ""
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
