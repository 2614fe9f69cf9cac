package setup

import (
	"strings"
	"testing"
)

// TestRebootReasons: Debian and Ubuntu ask through /var/run/reboot-required
// (and .pkgs), dnf and yum systems through needs-restarting -r (exit 1 and
// "Reboot is required"); anything else means no reboot.
func TestRebootReasons(t *testing.T) {
	tools := map[string]string{"sort": "/usr/bin/sort", "tr": "/usr/bin/tr", "touch": "/usr/bin/touch"}
	out, _, err := shellWithStubs(t, tools, `touch "$flag"; printf 'linux-image-6.8.0-1021-aws\nlinux-base\n' >"$flag.pkgs"; reboot_reason`)
	if err != nil || strings.TrimSpace(out) == "" || !strings.Contains(out, "reboot-required, for linux-base linux-image-6.8.0-1021-aws") {
		t.Errorf("apt: %v %q", err, out)
	}
	nr := map[string]string{"needs-restarting": "echo 'Core libraries or services have been updated since boot-up:'; echo '  * kernel'; echo; echo 'Reboot is required to fully utilize these updates.'; exit 1"}
	if out, _, err := shellWithStubs(t, nr, "reboot_reason"); err != nil || !strings.Contains(out, "needs-restarting -r") {
		t.Errorf("dnf: %v %q", err, out)
	}
	for name, body := range map[string]string{
		"nothing updated":     "echo 'No core libraries or services have been updated since boot-up.'; exit 0",
		"no such dnf command": "echo 'No such command: needs-restarting.'; exit 1",
	} {
		if out, _, err := shellWithStubs(t, map[string]string{"needs-restarting": body}, "reboot_reason"); err == nil {
			t.Errorf("%s: a reboot was found necessary: %q", name, out)
		}
	}
}

// TestRebootIfRequired: once allowed, the program records the boot, tells
// run() to stop and reboots detached (setsid, after 2 s, so its exit status
// reaches Packer first); on the run after the reboot it only warns.
func TestRebootIfRequired(t *testing.T) {
	tools := map[string]string{"touch": "/usr/bin/touch", "mkdir": "/usr/bin/mkdir", "cat": "/usr/bin/cat",
		"sort": "/usr/bin/sort", "tr": "/usr/bin/tr", "setsid": "exit 0"}
	recorded := `; wait; [ ! -e "$work/reboot" ] || echo STOPS; [ ! -e "$state/rebooting" ] || echo RECORDED`
	out, calls, err := shellWithStubs(t, tools, `touch "$flag"; set -e; reboot_if_required 0`+recorded)
	if err != nil || !strings.Contains(out, "warning: a reboot is still required after rebooting once") ||
		strings.Contains(out, "STOPS") || strings.Contains(calls, "setsid") {
		t.Errorf("after a reboot: %v\n%s\ncalls: %s", err, out, calls)
	}
	out, calls, err = shellWithStubs(t, tools, `touch "$flag"; set -e; reboot_if_required 1`+recorded)
	if err != nil || !strings.Contains(out, "rebooting; the program runs again") || !strings.Contains(out, "STOPS\nRECORDED") {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(calls, "setsid sh -c sleep 2; if [ -d /run/systemd/system ]; then systemctl reboot; else reboot; fi") {
		t.Errorf("the reboot was not started detached after 2 s: %q", calls)
	}
	if out, calls, _ := shellWithStubs(t, tools, `set -e; reboot_if_required 1`+recorded); strings.Contains(out, "STOPS") || strings.Contains(calls, "setsid") {
		t.Errorf("rebooted without being asked to: %s", out)
	}
}
