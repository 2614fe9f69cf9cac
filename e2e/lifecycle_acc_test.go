//go:build acc

package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// TestLifecycleDemo runs `make demo-lifecycle`'s script against a local
// cloud of its own: a base image promoted through SSM label prod, app
// images built on it and deployed, each build pruning behind itself, a
// rollback to the image prune kept. The script checks every step itself
// (the chain in history -image, the page each deployed instance serves,
// what each prune keeps and deletes) and stops at the first that fails;
// this test checks it got to the end.
func TestLifecycleDemo(t *testing.T) {
	requireRoot(t)
	start := time.Now()
	cmd := exec.Command(filepath.Join(packertest.RepoRoot(t), "localcloud", "demo-lifecycle.sh"))
	out, err := cmd.CombinedOutput()
	s := string(out)
	if err != nil {
		t.Fatalf("demo-lifecycle.sh: %v\n%s", err, s)
	}
	for _, want := range []string{"└─ ", "not built by this plugin", "label prod", "Nothing to delete: every image stays.",
		"Deregistered ami-", "App version 3", "demo complete"} {
		if !strings.Contains(s, want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, s)
		}
	}
	t.Logf("lifecycle demo: %s", time.Since(start).Round(time.Second))
}
