package tfvars

import (
	"path/filepath"
	"testing"
)

// TestPruneKeepOneIsAccepted: keep = 1 (only the newest image stays,
// besides what something names) is the smallest valid retention.
func TestPruneKeepOneIsAccepted(t *testing.T) {
	var c Config
	err := c.Prepare(map[string]interface{}{"path": filepath.Join(t.TempDir(), "terraform.tfvars"), "prune": map[string]interface{}{"keep": 1}})
	if err != nil || c.Prune.Keep != 1 {
		t.Errorf("prune { keep = 1 }: %v, keep %d", err, c.Prune.Keep)
	}
}
