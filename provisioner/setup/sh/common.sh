# Helpers of the setup program, embedded into program.tmpl in this order:
# common, boot, packages, accounts, seal. Each one checks before it changes,
# so running a step twice changes nothing.

say() { printf '%s\n' "$*"; }

# state is this program's folder in /run: it lasts as long as this boot (a
# reboot or the instance's stop empties /run, a tmpfs) and never reaches the
# image. It records what later programs of the same boot can skip.
state=/run/immutable-setup

# systemd_running: systemd is the init, so systemctl can act.
systemd_running() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }

# progress WAITED LIMIT MESSAGE: says MESSAGE every ${boot_poll:-30} seconds
# of a wait, with how long it has lasted.
progress() {
	[ "$1" -gt 0 ] && [ $(($1 % ${boot_poll:-30})) -eq 0 ] || return 0
	say "$3 (${1}s of ${2}s)"
}
