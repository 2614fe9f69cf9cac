//go:build acc

package e2e

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloud"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloudtest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// TestSetupScript runs scripts/setup.sh and webapp.sh on a local instance
// (packages from the local apt mirror, no network) the way an imperative
// template would (key uploaded to /tmp/tf-packer.pub, run with sudo and
// /bin/sh), checks the seed's promises — a system group hashicorp, user
// terraform in it with bash, passwordless sudo, its SSH key with modes 700 and
// 600 — then runs it again and checks that nothing changed.
func TestSetupScript(t *testing.T) {
	repo := packertest.RepoRoot(t)
	c, work, admin, in := cloudWithInstance(t, "admin")
	user := sshKey(t, work, "terraform")
	upload(t, c, in, admin, user+".pub", "/tmp/tf-packer.pub")
	for _, script := range []string{"setup.sh", "webapp.sh"} {
		upload(t, c, in, admin, filepath.Join(repo, "scripts", script), "/tmp/"+script)
	}

	runSetup(t, c, in, admin, "setup-1")
	out, err := sshRun(c, in, user, "terraform", "id -Gn; getent group hashicorp | cut -d: -f3; echo $SHELL; sudo -n id -u; stat -c '%a %U' ~/.ssh ~/.ssh/authorized_keys /etc/sudoers.d/terraform; cat /opt/webapp/VERSION")
	if err != nil {
		t.Fatalf("ssh terraform@instance with the uploaded key: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []string{"terraform hashicorp", "", "/bin/bash", "0", "700 terraform", "600 terraform", "440 root", "1"}
	if len(lines) != len(want) {
		t.Fatalf("unexpected output from the checks:\n%s", out)
	}
	for i, w := range want {
		if i == 1 {
			if gid := lines[1]; len(gid) > 3 { // system groups are below 1000
				t.Errorf("group hashicorp has gid %s, want a system group", gid)
			}
			continue
		}
		if lines[i] != w {
			t.Errorf("check %d: got %q, want %q (all output:\n%s)", i, lines[i], w, out)
		}
	}

	before := snapshot(t, in.Root)
	upload(t, c, in, admin, user+".pub", "/tmp/tf-packer.pub")
	runSetup(t, c, in, admin, "setup-2")
	if diff := diffSnapshots(before, snapshot(t, in.Root)); diff != "" {
		t.Errorf("running setup.sh a second time changed the machine:\n%s", diff)
	}
}

func upload(t *testing.T, c *localcloudtest.Cloud, in localcloud.InstanceInfo, key, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ssh", append(sshArgs(c, in, key, "ubuntu"), "cat > "+dst)...)
	cmd.Stdin = strings.NewReader(string(data))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("uploading %s: %v\n%s", src, err, out)
	}
}

// runSetup runs setup.sh then webapp.sh as immutable-setup's default execute_command does.
func runSetup(t *testing.T, c *localcloudtest.Cloud, in localcloud.InstanceInfo, key, log string) {
	t.Helper()
	mustRun(t, c.Dir, nil, log, "ssh", append(sshArgs(c, in, key, "ubuntu"), "sudo env /bin/sh /tmp/setup.sh && sudo env /bin/sh /tmp/webapp.sh")...)
}

// snapshot records path, mode, owner and content hash of everything under
// the folders setup.sh manages.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	for _, top := range []string{"etc", "home", "opt", "usr"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			st := info.Sys().(*syscall.Stat_t)
			entry := fmt.Sprintf("%v %d:%d", info.Mode(), st.Uid, st.Gid)
			if info.Mode().IsRegular() {
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				entry += fmt.Sprintf(" %x", sha256.Sum256(data))
			} else if info.Mode()&fs.ModeSymlink != 0 {
				target, _ := os.Readlink(path)
				entry += " -> " + target
			}
			rel, _ := filepath.Rel(root, path)
			snap[rel] = entry
			return nil
		})
		if err != nil {
			t.Fatalf("snapshot of %s: %v", top, err)
		}
	}
	return snap
}

func diffSnapshots(a, b map[string]string) string {
	var diffs []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			diffs = append(diffs, "removed "+k)
		} else if v != w {
			diffs = append(diffs, fmt.Sprintf("changed %s: %s -> %s", k, v, w))
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			diffs = append(diffs, "added "+k)
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "\n")
}
