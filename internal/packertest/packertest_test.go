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
