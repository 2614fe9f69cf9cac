package setup

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/roottest"
)

// ubuntuBoot is a throwaway Debian root made to boot like an Ubuntu AMI on
// EC2 by localcloud/instance/ubuntu (cloud-init still running after SSH
// works, holding apt's and dpkg's locks; apt timers; a syslog daemon and a
// journal), booted with chroot. Outside a PID namespace its reboot refuses
// to run, so these tests never reboot; TestRebootThroughSSH does, in the
// local instance.
type ubuntuBoot struct {
	t    *testing.T
	root string
}

// bootUbuntu installs the imitation with the knobs (KNOB=VALUE, see its
// lib.sh) and boots it; the imitation's daemons are stopped (by their
// process group, each is a session leader) when the test ends.
func bootUbuntu(t *testing.T, knobs ...string) *ubuntuBoot {
	t.Helper()
	b := &ubuntuBoot{t: t, root: roottest.Root(t)}
	install := filepath.Join(packertest.RepoRoot(t), "localcloud", "instance", "ubuntu", "install.sh")
	// Logins need not wait for a boot here (no SSH); later knobs win.
	knobs = append([]string{"BOOT_SECONDS=0"}, knobs...)
	if out, err := exec.Command(install, append([]string{b.root}, knobs...)...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", install, err, out)
	}
	t.Cleanup(b.stop)
	if out, err := exec.Command("chroot", b.root, "/usr/local/lib/ubuntu-imitation/boot").CombinedOutput(); err != nil {
		t.Fatalf("booting the imitation: %v\n%s", err, out)
	}
	return b
}

func (b *ubuntuBoot) path(p string) string { return filepath.Join(b.root, p) }

func (b *ubuntuBoot) stop() {
	pids, _ := filepath.Glob(b.path("run/localcloud/pids/*"))
	for _, f := range pids {
		data, _ := os.ReadFile(f)
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 1 {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		}
	}
}

// touch creates a file in the root: the imitation's controls
// (run/localcloud/release-cloud-init, release-jobs, fire-timers).
func (b *ubuntuBoot) touch(p string) {
	if err := os.WriteFile(b.path(p), nil, 0o644); err != nil {
		b.t.Error(err)
	}
}

// fireTimers fires apt's timers (TIMERS_FIRST=manual) and returns the
// imitation's answer: "fired: nothing" or the jobs that ran.
func (b *ubuntuBoot) fireTimers() string {
	b.t.Helper()
	answers := b.path("run/localcloud/timers-fired")
	before := lines(answers)
	b.touch("run/localcloud/fire-timers")
	got := waitFor(b.t, "the apt timers' answer", func() bool { return len(lines(answers)) > len(before) })
	if !got {
		return ""
	}
	all := lines(answers)
	return all[len(all)-1]
}

// waitFor polls cond until it holds. The bound only catches a hang (the
// imitation answers in well under a second); no result depends on speed.
func waitFor(t *testing.T, what string, cond func() bool) bool {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	t.Errorf("waited 2 minutes for %s", what)
	return false
}

func lines(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
