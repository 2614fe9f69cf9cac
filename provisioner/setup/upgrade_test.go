package setup

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/roottest"
)

// TestUpgradeInDebianRoot runs upgrade = true in a real Debian root: apt's
// hooks (where Ubuntu's needrestart runs) see NEEDRESTART_MODE=l and
// NEEDRESTART_SUSPEND=1, so no service restarts mid-build; and autoremove
// runs after the upgrade (what removes old kernels once the new one runs):
// a package left without a reason to stay (as an old kernel is, once
// marked automatic) is gone.
func TestUpgradeInDebianRoot(t *testing.T) {
	t.Parallel()
	root := roottest.Root(t)
	for _, args := range [][]string{{"apt-get", "install", "-y", "-q", "tree"}, {"apt-mark", "auto", "tree"}} {
		if out, err := exec.Command("chroot", append([]string{root}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	hook := `DPkg::Post-Invoke { "env | grep ^NEEDRESTART_ >/needrestart.env || true"; };` + "\n"
	if err := os.WriteFile(filepath.Join(root, "etc/apt/apt.conf.d/99needrestart-imitation"), []byte(hook), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := provision(t, root, map[string]interface{}{"packages": []string{"jq"}, "upgrade": true, "seal": false}, nil)
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if got := read(t, root, "needrestart.env"); got != "NEEDRESTART_MODE=l\nNEEDRESTART_SUSPEND=1\n" && got != "NEEDRESTART_SUSPEND=1\nNEEDRESTART_MODE=l\n" {
		t.Errorf("apt's hooks saw %q, want needrestart in list mode and suspended", got)
	}
	if exists(filepath.Join(root, "usr/bin/tree")) || !strings.Contains(out, "Removing tree") {
		t.Errorf("autoremove did not run after the upgrade:\n%s", out)
	}
}

// TestAptCallsForUpgrade: every apt-get call includes phased updates (so
// two builds of one template get the same packages, whatever machine-id
// each build instance draws), and an upgrade runs update, dist-upgrade,
// install, autoremove --purge, clean, in that order.
func TestAptCallsForUpgrade(t *testing.T) {
	stubs := map[string]string{"apt-get": "exit 0", "dpkg-query": "exit 1", "grep": "/usr/bin/grep", "cat": "/usr/bin/cat"}
	_, calls, err := shellWithStubs(t, stubs, "set -e; ensure_packages 1 curl")
	if err != nil {
		t.Fatal(err)
	}
	var verbs []string
	for _, c := range strings.Split(strings.TrimSpace(calls), "\n") {
		if !strings.HasPrefix(c, "apt-get ") {
			continue
		}
		if !strings.Contains(c, "-o APT::Get::Always-Include-Phased-Updates=true") {
			t.Errorf("apt-get without phased updates: %s", c)
		}
		verbs = append(verbs, c[strings.LastIndex(c, "--force-confold")+len("--force-confold "):])
	}
	want := "update|-y dist-upgrade|-y install curl|-y autoremove --purge|clean"
	if got := strings.Join(verbs, "|"); got != want {
		t.Errorf("apt-get calls %s, want %s", got, want)
	}
}
