//go:build acc

package e2e

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// TestMirrorCoversPackages: local instances have no network, so every
// package the template (immutable-setup's packages) and scripts/setup.sh
// install must be in the local apt mirror — listed in
// tools/apt-mirror.packages and present in the built mirror's index.
func TestMirrorCoversPackages(t *testing.T) {
	repo := packertest.RepoRoot(t)
	var want []string
	template := readFile(t, filepath.Join(repo, "images", "image.pkr.hcl"))
	m := regexp.MustCompile(`(?m)^\s*packages\s*=\s*\[([^\]]*)\]`).FindStringSubmatch(template)
	if m == nil {
		t.Fatal("images/image.pkr.hcl declares no packages = [...]")
	}
	for _, q := range regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(m[1], -1) {
		want = append(want, q[1])
	}
	for _, line := range strings.Split(readFile(t, filepath.Join(repo, "scripts", "setup.sh")), "\n") {
		// setup.sh installs through apt_get, its apt-get with lock waits.
		if f := strings.Fields(line); len(f) > 0 && (f[0] == "apt-get" || f[0] == "apt_get") && strings.Contains(line, " install ") {
			args := strings.Fields(line[strings.Index(line, " install ")+len(" install "):])
			want = append(want, args...)
		}
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(readFile(t, filepath.Join(repo, "tools", "apt-mirror.packages")), "\n") {
		if name := strings.TrimSpace(strings.SplitN(line, "#", 2)[0]); name != "" {
			listed[name] = true
		}
	}
	out, err := exec.Command(filepath.Join(repo, "tools", "apt-mirror.sh")).Output()
	if err != nil {
		t.Fatalf("tools/apt-mirror.sh: %v", err)
	}
	index := readFile(t, filepath.Join(strings.TrimSpace(string(out)), "Packages"))
	for _, pkg := range want {
		if !listed[pkg] {
			t.Errorf("package %s is installed by the template or scripts/setup.sh but not in tools/apt-mirror.packages", pkg)
		}
		if !strings.Contains(index, "\nPackage: "+pkg+"\n") && !strings.HasPrefix(index, "Package: "+pkg+"\n") && !preinstalled(t, pkg) {
			t.Errorf("package %s is neither in the local apt mirror nor in the Debian root", pkg)
		}
	}
	if len(want) < 12 {
		t.Errorf("found only %v; the parsing of the template or setup.sh broke", want)
	}
}

// preinstalled reports whether the Debian root already has the package
// (apt then downloads nothing for it, so the mirror does not hold it).
func preinstalled(t *testing.T, pkg string) bool {
	t.Helper()
	out, err := exec.Command("sh", "-c", `tar -xOf "$(`+filepath.Join(packertest.RepoRoot(t), "tools", "debian-root.sh")+`)" ./var/lib/dpkg/status`).Output()
	if err != nil {
		t.Fatalf("reading the Debian root's package status: %v", err)
	}
	return strings.Contains(string(out), "Package: "+pkg+"\nStatus: install ok installed")
}
