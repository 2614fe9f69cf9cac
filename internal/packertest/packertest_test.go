package packertest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRepoRootHoldsTheModule(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(RepoRoot(t), "go.mod"))
	if err != nil || !strings.HasPrefix(string(data), "module github.com/immutable-infrastructure/packer-plugin-immutable\n") {
		t.Fatalf("go.mod at the root: %q, %v", data, err)
	}
}

func TestEnvAddsPackerVarsAndExtra(t *testing.T) {
	env := Env("/p", "X=1")
	n := len(os.Environ())
	if len(env) != n+3 || !slices.Equal(env[n:], []string{"CHECKPOINT_DISABLE=1", "PACKER_PLUGIN_PATH=/p", "X=1"}) {
		t.Errorf("Env = %q", env[n:])
	}
}

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
