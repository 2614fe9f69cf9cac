//go:build acc

package roottest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// lockHolder returns the command line of the process holding a write lock
// on a file of the root (fcntl, as apt and dpkg lock), "" when none does.
func lockHolder(t *testing.T, u *Ubuntu, path string) string {
	t.Helper()
	f, err := os.OpenFile(u.Path(path), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lock := syscall.Flock_t{Type: syscall.F_WRLCK}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lock); err != nil {
		t.Fatal(err)
	}
	if lock.Type == syscall.F_UNLCK {
		return ""
	}
	cmdline, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(int(lock.Pid)), "cmdline"))
	return strings.ReplaceAll(string(cmdline), "\x00", " ")
}

// systemctl runs the imitation's systemctl in the root.
func systemctl(t *testing.T, u *Ubuntu, args ...string) string {
	t.Helper()
	out, _ := exec.Command("chroot", append([]string{u.Root, "/usr/local/bin/systemctl"}, args...)...).CombinedOutput()
	return strings.TrimSpace(string(out))
}

// TestUbuntuBootsWithCloudInitHoldingAptsLocks: when the boot returns (SSH
// works), cloud-init already holds apt's and dpkg's locks, before any of
// apt's timers can fire. Were it the other way round (a timer's job first,
// as a loaded machine once scheduled it), cloud-init would wait for a job
// the test holds until the build waits for it, and the build waits for
// cloud-init first: both would wait for ever.
func TestUbuntuBootsWithCloudInitHoldingAptsLocks(t *testing.T) {
	t.Parallel()
	u := BootUbuntu(t, "CLOUD_INIT_SECONDS=hold", "TIMERS_FIRST=manual")
	for _, lock := range []string{"var/lib/apt/lists/lock", "var/lib/dpkg/lock-frontend", "var/lib/dpkg/lock"} {
		if holder := lockHolder(t, u, lock); !strings.Contains(holder, "cloud-init-locks-released") {
			t.Errorf("/%s held by %q when the boot returned, want cloud-init's hold-locks", lock, holder)
		}
	}
	u.Touch("run/ubuntu-imitation/release-cloud-init")
	WaitFor(t, "cloud-init to release apt's lists lock", func() bool { return lockHolder(t, u, "var/lib/apt/lists/lock") == "" })
}

// TestUbuntuAptDailyWaitsForCloudInit: on Ubuntu, cloud-final.service is
// ordered Before=apt-daily.service, so apt-daily.timer firing while
// cloud-init runs queues apt-daily.service's start: the unit stays
// inactive (the lists lock stays cloud-init's) until cloud-init's last
// stage has ended, then it runs, and apt-daily-upgrade.service after it.
func TestUbuntuAptDailyWaitsForCloudInit(t *testing.T) {
	t.Parallel()
	u := BootUbuntu(t, "CLOUD_INIT_SECONDS=hold", "TIMERS_FIRST=manual", "JOB_SECONDS=hold")
	u.Touch("run/ubuntu-imitation/fire-timers")
	WaitFor(t, "apt-daily.service's start to be queued (or the job to start)", func() bool {
		return exists(u.Path("run/ubuntu-imitation/jobs/apt-daily.service")) || systemctl(t, u, "is-active", "apt-daily.service") != "inactive"
	})
	if got := systemctl(t, u, "is-active", "apt-daily.service"); got != "inactive" {
		t.Fatalf("apt-daily.service is %q while cloud-init runs, want inactive (its start queued)", got)
	}
	if holder := lockHolder(t, u, "var/lib/apt/lists/lock"); !strings.Contains(holder, "cloud-init-locks-released") {
		t.Errorf("apt's lists lock held by %q while cloud-init runs", holder)
	}
	u.Touch("run/ubuntu-imitation/release-cloud-init")
	WaitFor(t, "apt-daily.service to start", func() bool { return systemctl(t, u, "is-active", "apt-daily.service") == "activating" })
	if !exists(u.Path("var/lib/cloud/instance/boot-finished")) || systemctl(t, u, "is-active", "cloud-final.service") != "active" {
		t.Error("apt-daily.service started before cloud-init's last stage had ended")
	}
	u.Touch("run/ubuntu-imitation/release-jobs")
	WaitFor(t, "the firing's answer", func() bool { return len(Lines(u.Path("run/ubuntu-imitation/timers-fired"))) == 1 })
	if got := Lines(u.Path("run/ubuntu-imitation/timers-fired")); len(got) != 1 || got[0] != "fired: apt-daily.service apt-daily-upgrade.service" {
		t.Errorf("the firing's answer: %q", got)
	}
}

// TestUbuntuQueuedAptJobMaskedDoesNotStart: a build that masks apt's jobs
// (--runtime) while apt-daily.service's start waits for cloud-init keeps
// it from starting, as systemd refuses to start a masked unit whose start
// was queued before the mask: nothing runs when cloud-init ends.
func TestUbuntuQueuedAptJobMaskedDoesNotStart(t *testing.T) {
	t.Parallel()
	u := BootUbuntu(t, "CLOUD_INIT_SECONDS=hold", "TIMERS_FIRST=manual", "JOB_SECONDS=hold")
	u.Touch("run/ubuntu-imitation/fire-timers")
	WaitFor(t, "apt-daily.service's start to be queued", func() bool { return exists(u.Path("run/ubuntu-imitation/jobs/apt-daily.service")) })
	systemctl(t, u, "mask", "--runtime", "apt-daily.service", "apt-daily-upgrade.service")
	u.Touch("run/ubuntu-imitation/release-cloud-init")
	WaitFor(t, "the firing's answer (or a job to start)", func() bool {
		return len(Lines(u.Path("run/ubuntu-imitation/timers-fired"))) == 1 || systemctl(t, u, "is-active", "apt-daily.service") != "inactive"
	})
	if got := systemctl(t, u, "is-active", "apt-daily.service"); got != "inactive" {
		t.Fatalf("the masked apt-daily.service is %q", got)
	}
	WaitFor(t, "the firing's answer", func() bool { return len(Lines(u.Path("run/ubuntu-imitation/timers-fired"))) == 1 })
	if got := Lines(u.Path("run/ubuntu-imitation/timers-fired")); len(got) != 1 || got[0] != "fired: nothing" {
		t.Errorf("the firing's answer: %q, want nothing started once masked", got)
	}
	if jobs := Lines(u.Path("var/lib/localcloud/apt-jobs.log")); len(jobs) != 0 {
		t.Errorf("apt jobs ran: %q", jobs)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
