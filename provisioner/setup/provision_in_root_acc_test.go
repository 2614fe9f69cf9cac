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

// syncBuffer is an io.Writer safe for the UI's concurrent writers. It can
// run actions when the output first shows a text (see on).
type syncBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	hooks []outputHook
}

// outputHook is an action run once, when the output first contains text.
type outputHook struct {
	text string
	do   func()
	done bool
}

// on runs do (once) as soon as the output contains text: tests act on what
// the program has reached, never on a timer.
func (b *syncBuffer) on(text string, do func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.hooks = append(b.hooks, outputHook{text: text, do: do})
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	for i := range b.hooks {
		if h := &b.hooks[i]; !h.done && strings.Contains(b.buf.String(), h.text) {
			h.done = true
			h.do()
		}
	}
	return n, err
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
	return provisionWatching(t, root, raw, data, &syncBuffer{})
}

// testBootTimeout is the boot_timeout of a test's program unless it sets
// its own. Every wait of these tests ends when the test releases it (or at
// once), so a wait that lasts a minute is stuck: the test fails then, with
// what the program and the Ubuntu imitation were waiting for, instead of
// after the default 10 minutes.
const testBootTimeout = "1m"

// provisionWatching is provision with the UI written to out, whose hooks
// (syncBuffer.on) act when the program reaches a point.
func provisionWatching(t *testing.T, root string, raw, data map[string]interface{}, out *syncBuffer) (string, error) {
	t.Helper()
	if _, set := raw["boot_timeout"]; !set {
		withTimeout := map[string]interface{}{"boot_timeout": testBootTimeout}
		for k, v := range raw {
			withTimeout[k] = v
		}
		raw = withTimeout
	}
	var p Provisioner
	if err := p.Prepare(raw); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	ui := &packersdk.BasicUi{Reader: strings.NewReader(""), Writer: out, ErrorWriter: out}
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
