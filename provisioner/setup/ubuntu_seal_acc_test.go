//go:build acc

package setup

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/roottest"
)

// TestNothingLoggedAfterTheSealStays: after the seal, the machine keeps
// logging until it stops: the builder's own commands (sudo logs them),
// rsyslog's exit, utmp's shutdown record, systemd-random-seed saving a seed
// that every instance would share, unattended-upgrades' shutdown log and
// journald to the very end. Against the imitation of an Ubuntu stop (units
// stopped in reverse order; see localcloud/instance/ubuntu/.../shutdown),
// the disk afterwards holds none of it. The stop comes either as `systemctl poweroff` or as an init's TERM to
// every process (what localcloud's init does; the imitation's stop watcher
// then runs the same shutdown).
func TestNothingLoggedAfterTheSealStays(t *testing.T) {
	t.Parallel()
	for _, stop := range []string{"systemctl poweroff", "TERM from the init"} {
		t.Run(stop, func(t *testing.T) {
			t.Parallel()
			sealThenStop(t, stop)
		})
	}
}

func sealThenStop(t *testing.T, stop string) {
	b := bootUbuntu(t, "CLOUD_INIT_SECONDS=0", "TIMERS_FIRST=manual")
	if _, err := provision(t, b.root, map[string]interface{}{
		"inline": []string{"logger -p authpriv.notice 'sudo: ubuntu : COMMAND=/bin/sh setup.sh (during the build)'"},
	}, nil); err != nil {
		t.Fatalf("Provision: %v", err)
	}
	comm := &roottest.Comm{Dir: b.root}
	// What sudo logs for the builder's last command, after the seal; then
	// the builder's StopInstances.
	commands := []string{"logger -p authpriv.notice 'sudo: ubuntu : COMMAND=/bin/sh -c rm .ssh/authorized_keys (after the seal)'"}
	if stop == "systemctl poweroff" {
		commands = append(commands, stop)
	}
	for _, command := range commands {
		cmd := &packersdk.RemoteCmd{Command: command}
		if err := cmd.RunWithUi(context.Background(), comm, packersdk.TestUi(t)); err != nil || cmd.ExitStatus() != 0 {
			t.Fatalf("%s: %v (exit %d)", command, err, cmd.ExitStatus())
		}
	}
	if stop == "TERM from the init" {
		b.Term()
	}
	if !waitFor(t, "the imitation's stop to reach its end in the journal", func() bool {
		data, _ := os.ReadFile(b.path("run/log/journal/system.journal"))
		return strings.Contains(string(data), "Late Shutdown Services")
	}) {
		t.Fatal("the imitation's journal never reached the end of the stop; the test proves nothing")
	}
	_ = filepath.WalkDir(b.path("var/log"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if data, _ := os.ReadFile(p); len(data) > 0 {
				t.Errorf("%s holds what was logged after the seal:\n%s", strings.TrimPrefix(p, b.root), data)
			}
		}
		return nil
	})
	if exists(b.path("var/lib/systemd/random-seed")) {
		t.Error("/var/lib/systemd/random-seed was saved at the stop: every instance would share it")
	}
}

// TestSealUnitVerifies checks the unit the seal installs with systemd's own
// verifier: it loads, its commands exist, and no key is unknown (verify
// only warns about those, so any output fails the test).
func TestSealUnitVerifies(t *testing.T) {
	dir := t.TempDir()
	unit, _, err := shellWithStubs(t, map[string]string{"cat": "/usr/bin/cat"}, "seal_unit")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "immutable-setup-seal.service")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("systemd-analyze", "verify", "--man=no", path).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify (apt-get install systemd if it is missing): %v\n%s", err, out)
	}
	for _, writer := range []string{"rsyslog.service", "systemd-update-utmp.service", "systemd-random-seed.service", "unattended-upgrades.service"} {
		if !strings.Contains(unit, " "+writer) {
			t.Errorf("the unit is not ordered to stop after %s", writer)
		}
	}
}
