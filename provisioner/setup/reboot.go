package setup

import (
	"context"
	"fmt"
	"log"
	"time"
)

// rebootCheck, run as the SSH user, exits 0 once the machine has rebooted
// since reboot_if_required recorded its boot in /run: the record is gone
// (/run is a tmpfs, emptied by a reboot) or names another boot id. Before
// that (the reboot has not begun yet) it exits 3. The exit status decides;
// the words are for the log.
const rebootCheck = `f=/run/immutable-setup/rebooting; ` +
	`if [ -e "$f" ] && [ "$(cat "$f")" = "$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)" ]; ` +
	`then echo 'not yet'; exit 3; fi; echo rebooted`

const (
	// rebootPollFirst and rebootPollMax bound the pause between two checks:
	// it doubles from the first to the last.
	rebootPollFirst = time.Second
	rebootPollMax   = 5 * time.Second
	// rebootSayEvery is how often the wait says it still waits.
	rebootSayEvery = 30 * time.Second
)

// awaitReboot waits until the machine answers again after the program
// rebooted it. Each check opens a new session: the communicator reconnects
// when its connection has died (the SDK's SSH communicator dials again when
// a session cannot be opened), as for the shell provisioner's
// expect_disconnect; failures to connect are retried until timeout.
func (r *runner) awaitReboot(ctx context.Context, timeout time.Duration) error {
	r.ui.Say(fmt.Sprintf("Waiting up to %s (boot_timeout) for the machine to come back from its reboot...", timeout))
	start := time.Now()
	said := start
	pause, most := rebootPollFirst, rebootPollMax
	if r.pollFirst != 0 {
		pause, most = r.pollFirst, r.pollFirst
	}
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the machine to come back from its reboot: %w", ctx.Err())
		case <-time.After(pause):
		}
		code, out, err := r.quiet(ctx, rebootCheck)
		if err == nil && code == 0 {
			r.ui.Say(fmt.Sprintf("The machine is back after %s; running the setup program again", time.Since(start).Round(time.Second)))
			return nil
		}
		log.Printf("[DEBUG] immutable-setup: the machine is not back yet (exit code %d, error %v): %q", code, err, out)
		if time.Since(start) >= timeout {
			return fmt.Errorf("the machine did not come back within %s (boot_timeout) after its reboot; last answer: exit code %d, error %v, output %q", timeout, code, err, out)
		}
		if time.Since(said) >= rebootSayEvery {
			r.ui.Say(fmt.Sprintf("Still waiting for the machine to come back (%s of %s)", time.Since(start).Round(time.Second), timeout))
			said = time.Now()
		}
		pause = min(2*pause, most)
	}
}
