//go:build acc

package setup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAptTimersHeldForTheBuild: on an Ubuntu boot, apt-daily is already
// running when the build starts, and apt's timers would fire again during
// the build (packages changing after verify, or dpkg half-configured when
// the instance stops). The program waits for the running job (which holds
// apt's lists lock) instead of colliding with it, and from then on nothing
// starts apt's jobs, not even apt's own postinst restarting its timers
// (deb-systemd-invoke restart, as apt's upgrade does); yet the image keeps
// the timers enabled exactly as before.
func TestAptTimersHeldForTheBuild(t *testing.T) {
	t.Parallel()
	b := bootUbuntu(t, "CLOUD_INIT_SECONDS=0", "TIMERS_FIRST=manual", "JOB_SECONDS=hold")
	wants := func() string {
		entries, _ := os.ReadDir(b.path("etc/systemd/system/timers.target.wants"))
		var names []string
		for _, e := range entries {
			target, _ := os.Readlink(filepath.Join(b.path("etc/systemd/system/timers.target.wants"), e.Name()))
			names = append(names, e.Name()+" -> "+target)
		}
		return strings.Join(names, "\n")
	}
	enabled := wants()
	if !strings.Contains(enabled, "apt-daily.timer") || !strings.Contains(enabled, "apt-daily-upgrade.timer") {
		t.Fatalf("the imitation does not enable apt's timers as Ubuntu does:\n%s", enabled)
	}
	b.touch("run/ubuntu-imitation/fire-timers")
	waitFor(t, "apt-daily.service to start", func() bool {
		state, _ := os.ReadFile(b.path("run/ubuntu-imitation/units/apt-daily.service"))
		return string(state) == "activating\n"
	})

	var ui syncBuffer
	release := func() { b.touch("run/ubuntu-imitation/release-jobs") }
	ui.on("waiting for apt-daily.service to finish", release)
	ui.on("apt is locked by another process", release)
	out, err := provisionWatching(t, b.root, map[string]interface{}{
		"packages":         []string{"tree"},
		"inline":           []string{"deb-systemd-invoke restart apt-daily.timer apt-daily-upgrade.timer || true"},
		"environment_vars": []string{"boot_poll=1", "apt_retry_delay=1"},
		"seal":             false,
	}, nil, &ui)
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if strings.Contains(out, "apt is locked") || !strings.Contains(out, "waiting for apt-daily.service to finish") {
		t.Errorf("the build did not wait for the apt job running at its start:\n%s", out)
	}
	if got := b.fireTimers(); got != "fired: nothing" {
		t.Errorf("apt's timers fired after the build had held them: %q", got)
	}
	if jobs := lines(b.path("var/lib/localcloud/apt-jobs.log")); len(jobs) != 1 || !strings.HasPrefix(jobs[0], "apt-daily.service ") {
		t.Errorf("apt jobs that ran: %q, want only the apt-daily.service running when the build began", jobs)
	}
	if got := wants(); got != enabled {
		t.Errorf("the image's timers changed:\n%s\nwant:\n%s", got, enabled)
	}
	checkMaskedForTheBuildOnly(t, b)
}

// checkMaskedForTheBuildOnly: apt's timers and jobs are masked in /run (this
// boot) and not in /etc (the image).
func checkMaskedForTheBuildOnly(t *testing.T, b *ubuntuBoot) {
	for _, u := range []string{"apt-daily.timer", "apt-daily-upgrade.timer", "apt-daily.service", "apt-daily-upgrade.service"} {
		if exists(b.path("etc/systemd/system/" + u)) {
			t.Errorf("%s masked or overridden in /etc (the image)", u)
		}
		if target, _ := os.Readlink(b.path("run/systemd/system/" + u)); target != "/dev/null" {
			t.Errorf("%s is not masked in /run for the build", u)
		}
	}
}
