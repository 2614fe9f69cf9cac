package roottest

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
)

// Ubuntu is a throwaway Debian root made to boot like an Ubuntu AMI on EC2
// by localcloud/instance/ubuntu (cloud-init still running after SSH works,
// holding apt's and dpkg's locks; apt timers; a syslog daemon and a
// journal), booted with chroot. Outside a PID namespace its reboot refuses
// to run; reboots are tested in the local instance.
type Ubuntu struct {
	Root string
	t    testing.TB
}

// BootUbuntu installs the imitation with the knobs (KNOB=VALUE, listed in
// its lib.sh) into a fresh root and boots it. When the test ends, every
// process in the root is killed; before that, a test that failed logs the
// imitation's State.
func BootUbuntu(t testing.TB, knobs ...string) *Ubuntu {
	t.Helper()
	u := &Ubuntu{Root: Root(t), t: t}
	install := filepath.Join(packertest.RepoRoot(t), "localcloud", "instance", "ubuntu", "install.sh")
	// No SSH here: logins need not wait for the boot. Later knobs win.
	knobs = append([]string{"BOOT_SECONDS=0"}, knobs...)
	if out, err := exec.Command(install, append([]string{u.Root}, knobs...)...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", install, err, out)
	}
	t.Cleanup(u.stop)
	// Cleanups run last first: this one while the daemons still run.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the Ubuntu imitation's state at the failure:\n%s", u.State())
		}
	})
	if out, err := exec.Command("chroot", u.Root, "/usr/local/lib/ubuntu-imitation/boot").CombinedOutput(); err != nil {
		t.Fatalf("booting the imitation: %v\n%s", err, out)
	}
	return u
}

// Path is a path of the root, as seen from the host.
func (u *Ubuntu) Path(p string) string { return filepath.Join(u.Root, p) }

// stop kills every process in the root (the imitation's daemons and what
// they started), until none is left. Not by the PIDs the imitation records:
// most of them have long exited by then (cloud-init's stages end), and on a
// busy machine their numbers come round again, to another test's daemons.
func (u *Ubuntu) stop() {
	for round := 0; round < 50; round++ {
		pids := processesIn(u.Root)
		if len(pids) == 0 {
			return
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(10 * time.Millisecond)
	}
	u.t.Errorf("processes still run in %s after 50 rounds of SIGKILL", u.Root)
}

// processesIn lists the processes whose root directory is root (chroot).
func processesIn(root string) []int {
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if dir, err := os.Readlink(filepath.Join("/proc", e.Name(), "root")); err == nil && dir == root {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Touch creates a file in the root: the imitation's controls are
// run/ubuntu-imitation/release-cloud-init, release-jobs and fire-timers.
func (u *Ubuntu) Touch(p string) {
	if err := os.WriteFile(u.Path(p), nil, 0o644); err != nil {
		u.t.Error(err)
	}
}

// FireTimers fires apt's timers and returns the imitation's answer:
// "fired: nothing" or the jobs that ran.
func (u *Ubuntu) FireTimers() string {
	u.t.Helper()
	return FireTimers(u.t, u.Root)
}

// FireTimers fires the apt timers of an instance booted as Ubuntu whose
// root the host sees at root, and returns the answer to this firing.
func FireTimers(t testing.TB, root string) string {
	t.Helper()
	answers := filepath.Join(root, "run/ubuntu-imitation/timers-fired")
	before := len(Lines(answers))
	if err := os.WriteFile(filepath.Join(root, "run/ubuntu-imitation/fire-timers"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if !WaitFor(t, "the apt timers' answer", func() bool { return len(Lines(answers)) > before }) {
		return ""
	}
	all := Lines(answers)
	return all[len(all)-1]
}

// WaitFor polls cond until it holds. Its bound only catches a hang (the
// imitation answers in well under a second); no result depends on speed.
func WaitFor(t testing.TB, what string, cond func() bool) bool {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	t.Errorf("waited 2 minutes for %s", what)
	return false
}

// Lines returns the lines of a file, none when it is missing or empty.
func Lines(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

// Term sends TERM to every process in the root, as an init does to every
// process when the instance stops.
func (u *Ubuntu) Term() {
	for _, pid := range processesIn(u.Root) {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
}
