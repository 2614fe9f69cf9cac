//go:build acc

package setup

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/roottest"
)

// syncBuffer is an io.Writer safe for the UI's concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// provision prepares a provisioner from raw and runs it in the root,
// returning everything shown in the UI and the error.
func provision(t *testing.T, root string, raw map[string]interface{}, data map[string]interface{}) (string, error) {
	t.Helper()
	var p Provisioner
	if err := p.Prepare(raw); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	var out syncBuffer
	ui := &packersdk.BasicUi{Reader: strings.NewReader(""), Writer: &out, ErrorWriter: &out}
	err := p.Provision(context.Background(), ui, &roottest.Comm{Dir: root}, data)
	t.Logf("output:\n%s", out.String())
	return out.String(), err
}

// read returns a file of the root.
func read(t *testing.T, root, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatalf("reading %s in the root: %v", path, err)
	}
	return string(b)
}

// noRunDirLeft fails when a run folder is left in the root's /tmp.
func noRunDirLeft(t *testing.T, root string) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(root, "tmp", "immutable-setup-*"))
	if len(left) > 0 {
		t.Errorf("run folders left behind: %v", left)
	}
}
