package setup

import "time"

// validateBootAndSeal checks boot_timeout (and keeps it parsed) and that
// ssh_clear_authorized_keys has a seal to run in.
func validateBootAndSeal(add func(string, ...any), c *Config) {
	d, err := time.ParseDuration(c.BootTimeout)
	switch {
	case err != nil:
		add("boot_timeout: %q is not a duration; use e.g. \"10m\" or \"0s\" (no wait)", c.BootTimeout)
	case d < 0:
		add("boot_timeout: %q is negative; use e.g. \"10m\" or \"0s\" (no wait)", c.BootTimeout)
	}
	c.bootTimeout = d
	if c.Reboot && err == nil && d == 0 {
		add("reboot: waits up to boot_timeout for the machine to come back, but boot_timeout is 0s; set e.g. boot_timeout = \"10m\"")
	}
	if c.SSHClearAuthorizedKeys && c.Seal != nil && !*c.Seal {
		add("ssh_clear_authorized_keys: takes effect when sealing, but seal = false; remove one of them")
	}
}
