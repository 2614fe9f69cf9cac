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

// TestUpgradeInDebianRoot runs upgrade = true in a real Debian root: apt's
// hooks (where Ubuntu's needrestart runs) see NEEDRESTART_MODE=l and
// NEEDRESTART_SUSPEND=1, so no service restarts mid-build; and autoremove
// runs after the upgrade (what removes old kernels once the new one runs):
// a package left without a reason to stay (as an old kernel is, once
// marked automatic) is gone.
func TestUpgradeInDebianRoot(t *testing.T) {
	t.Parallel()
	root := roottest.Root(t)
	for _, args := range [][]string{{"apt-get", "update", "-q"}, {"apt-get", "install", "-y", "-q", "tree"}, {"apt-mark", "auto", "tree"}} {
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
