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
// its lib.sh) into a fresh root and boots it. The imitation's daemons are
// stopped when the test ends, by their process groups (each is a session
// leader, its PID recorded under run/ubuntu-imitation/pids).
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
	if out, err := exec.Command("chroot", u.Root, "/usr/local/lib/ubuntu-imitation/boot").CombinedOutput(); err != nil {
		t.Fatalf("booting the imitation: %v\n%s", err, out)
	}
	return u
}

// Path is a path of the root, as seen from the host.
func (u *Ubuntu) Path(p string) string { return filepath.Join(u.Root, p) }

func (u *Ubuntu) stop() {
	pids, _ := filepath.Glob(u.Path("run/ubuntu-imitation/pids/*"))
	for _, f := range pids {
		data, _ := os.ReadFile(f)
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 1 {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		}
	}
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

// Term sends TERM to every daemon of the imitation, as an init does to
// every process when the instance stops.
func (u *Ubuntu) Term() {
	pids, _ := filepath.Glob(u.Path("run/ubuntu-imitation/pids/*"))
	for _, f := range pids {
		data, _ := os.ReadFile(f)
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 1 {
			_ = syscall.Kill(-pid, syscall.SIGTERM)
		}
	}
}
