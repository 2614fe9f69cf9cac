//go:build acc

package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/roottest"
)

// TestSetupScriptWaitsForBoot runs scripts/setup.sh on a Debian root booted
// as an Ubuntu AMI (localcloud/instance/ubuntu), once with cloud-init still
// running and holding apt's locks, once with an apt-daily job running (on
// Ubuntu the two never overlap: cloud-final.service is ordered
// Before=apt-daily.service). The script must wait for each (released when
// the script says it waits for it, or when apt meets a lock, which fails
// the test), and afterwards apt's timers start nothing.
func TestSetupScriptWaitsForBoot(t *testing.T) {
	t.Parallel()
	t.Run("cloud-init running", func(t *testing.T) {
		t.Parallel()
		u := roottest.BootUbuntu(t, "CLOUD_INIT_SECONDS=hold", "TIMERS_FIRST=manual")
		release := func() { u.Touch("run/ubuntu-imitation/release-cloud-init") }
		runSetupWaiting(t, u, "still waiting for cloud-init", release)
	})
	t.Run("apt-daily running", func(t *testing.T) {
		t.Parallel()
		u := roottest.BootUbuntu(t, "CLOUD_INIT_SECONDS=0", "TIMERS_FIRST=manual", "JOB_SECONDS=hold")
		u.Touch("run/ubuntu-imitation/fire-timers")
		roottest.WaitFor(t, "apt-daily.service to start (once cloud-init has ended)", func() bool {
			state, _ := os.ReadFile(u.Path("run/ubuntu-imitation/units/apt-daily.service"))
			return string(state) == "activating\n"
		})
		release := func() { u.Touch("run/ubuntu-imitation/release-jobs") }
		runSetupWaiting(t, u, "waiting for apt's daily jobs", release)
	})
}

// runSetupWaiting runs setup.sh in the booted root, releasing what it
// waits for (release) when it says wait, or when apt meets a lock; it
// fails the test unless the script said wait and never met a lock, and
// unless apt's timers start nothing afterwards. BOOT_TIMEOUT bounds every
// wait by a minute: a stuck one fails the test with the imitation's state
// (roottest.BootUbuntu logs it), not after the script's 10 minutes.
func runSetupWaiting(t *testing.T, u *roottest.Ubuntu, wait string, release func()) {
	t.Helper()
	comm := &roottest.Comm{Dir: u.Root}
	script, err := os.ReadFile(filepath.Join(packertest.RepoRoot(t), "scripts", "setup.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for path, content := range map[string]string{"/tmp/setup.sh": string(script), "/tmp/tf-packer.pub": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIScriptKey t\n"} {
		if err := comm.Upload(path, strings.NewReader(content), nil); err != nil {
			t.Fatal(err)
		}
	}
	out := &watched{}
	out.on(wait, release)
	out.on("Could not get lock", release)
	cmd := &packersdk.RemoteCmd{Command: "BOOT_POLL=1 BOOT_TIMEOUT=60 sh /tmp/setup.sh", Stdout: out, Stderr: out}
	if err := comm.Start(context.Background(), cmd); err != nil {
		t.Fatal(err)
	}
	code := cmd.Wait()
	t.Logf("setup.sh:\n%s", out.String())
	if code != 0 {
		t.Fatalf("setup.sh exited with %d", code)
	}
	if !strings.Contains(out.String(), wait) {
		t.Errorf("setup.sh did not wait (%q missing)", wait)
	}
	if strings.Contains(out.String(), "Could not get lock") {
		t.Error("apt met a lock held by cloud-init or apt's daily job")
	}
	if got := u.FireTimers(); got != "fired: nothing" {
		t.Errorf("apt's timers after setup.sh: %q", got)
	}
}

// watched is a writer that runs an action once, when its text first
// contains a string.
type watched struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	hooks []*hook
}

type hook struct {
	text string
	do   func()
}

func (w *watched) on(text string, do func()) { w.hooks = append(w.hooks, &hook{text, do}) }

func (w *watched) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	for _, h := range w.hooks {
		if h.do != nil && strings.Contains(w.buf.String(), h.text) {
			h.do()
			h.do = nil
		}
	}
	return n, err
}

func (w *watched) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
