//go:build acc

package packertest

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestInstalledPluginIsARelease installs a release build the way the e2e
// test does and checks packer lists it without the -dev suffix.
func TestInstalledPluginIsARelease(t *testing.T) {
	dir := t.TempDir()
	packer, plugins := Packer(t), filepath.Join(dir, "plugins")
	Install(t, packer, BuildPlugin(t, dir, true), plugins)
	installed, _ := filepath.Glob(filepath.Join(plugins, "github.com", "immutable-infrastructure", "immutable", "packer-plugin-immutable_v*"))
	if len(installed) == 0 {
		t.Fatalf("nothing installed under %s", plugins)
	}
	for _, p := range installed {
		if strings.Contains(filepath.Base(p), "-dev") {
			t.Errorf("installed %s: a dev build, packer init would not count it", p)
		}
	}
}
