# wait_boot SECONDS: waits, before anything changes, until the machine has
# finished booting. On EC2, SSH answers while cloud-init still rewrites the
# apt sources to the regional mirror and runs user-data: an apt-get racing
# it fails with errors that are not lock errors, and the seal's removal of
# /var/lib/cloud would race its last stage. Done once per boot: the seal
# removes what `cloud-init status` reads, so a later program must not ask.
wait_boot() {
	if [ -e "$state/boot-finished" ]; then say "boot finished (checked earlier in this boot)"; return 0; fi
	if [ "$1" -eq 0 ]; then say "not waiting for boot to finish (boot_timeout = 0s)"; return 0; fi
	if ! command -v cloud-init >/dev/null 2>&1; then
		say "no cloud-init on this machine: nothing to wait for"
	elif cloud-init status --help >/dev/null 2>&1; then
		wait_cloud_init "$1" || return 1
	else
		wait_file /var/lib/cloud/instance/boot-finished "$1" "waiting for cloud-init (too old for 'status --wait') to finish booting" || return 1
	fi
	mkdir -p "$state" && : >"$state/boot-finished"
}

# wait_cloud_init SECONDS runs `cloud-init status --wait` in slices of
# ${boot_poll:-30}s, saying how long it has waited between them. Its exit
# code: 0 done; 2 done with recoverable errors (cloud-init >= 23.4; common
# on noble, where deprecated keys count): go on with a warning; 1 (or
# anything else): cloud-init crashed or user-data failed: stop.
wait_cloud_init() {
	waited=0
	while :; do
		slice=${boot_poll:-30}
		[ $((waited + slice)) -le "$1" ] || slice=$(($1 - waited))
		rc=0
		timeout "$slice" cloud-init status --wait >/dev/null 2>&1 || rc=$?
		case $rc in
		0) say "cloud-init has finished booting the machine"; return 0 ;;
		2)
			say "warning: cloud-init finished with recoverable errors (exit code 2); continuing. Its report:"
			cloud-init status --long 2>&1 | sed 's/^/  /'
			return 0 ;;
		124)
			waited=$((waited + slice))
			if [ "$waited" -ge "$1" ]; then
				say "cloud-init has not finished booting the machine after ${1}s (boot_timeout); its report:" >&2
				cloud-init status --long >&2 2>&1
				return 1
			fi
			say "waiting for cloud-init to finish booting the machine (${waited}s of ${1}s; status: $(cloud-init status 2>/dev/null | sed -n 's/^status: //p'))" ;;
		*)
			say "cloud-init failed while booting the machine (cloud-init status --wait: exit code $rc); its report:" >&2
			cloud-init status --long >&2 2>&1
			say "see /var/log/cloud-init-output.log on the instance; boot_timeout = \"0s\" skips this check" >&2
			return 1 ;;
		esac
	done
}

# wait_file PATH SECONDS MESSAGE waits for PATH to exist.
wait_file() {
	waited=0
	while [ ! -e "$1" ]; do
		if [ "$waited" -ge "$2" ]; then say "$1 did not appear within ${2}s (boot_timeout)" >&2; return 1; fi
		progress "$waited" "$2" "$3"
		sleep 1
		waited=$((waited + 1))
	done
	say "$1 exists: boot finished"
}

# apt's daily jobs: apt-daily refreshes the lists, apt-daily-upgrade runs
# unattended-upgrades.
apt_timers="apt-daily.timer apt-daily-upgrade.timer"
apt_jobs="apt-daily.service apt-daily-upgrade.service"

# hold_apt_jobs SECONDS: no apt timer may start a job for the rest of the
# build: packages would change after verify, or a half-configured dpkg
# state would be baked in when the instance stops mid-upgrade. Timers and
# jobs are masked in /run only (--runtime): nothing starts them again until
# the instance stops (not apt's own upgrade restarting its timers, not a
# later block), a reboot undoes it (the next run holds them again), and the
# image keeps them enabled exactly as before. Jobs already running are
# waited for.
hold_apt_jobs() {
	if ! systemd_running; then say "systemd is not running: no apt timers to hold"; return 0; fi
	units=$(existing_units $apt_timers $apt_jobs)
	if [ -z "$units" ]; then say "no apt timers on this machine"; return 0; fi
	# shellcheck disable=SC2086 # unit names have no blanks
	systemctl mask --runtime --quiet $units
	timers=$(existing_units $apt_timers)
	[ -z "$timers" ] || systemctl stop --quiet $timers
	wait_units "$1" $(existing_units $apt_jobs)
	say "apt timers held until the instance stops (masked in /run; the image keeps them enabled)"
}

# existing_units UNIT... prints the units that have a unit file.
existing_units() {
	for u in "$@"; do
		for d in /etc/systemd/system /run/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
			if [ -e "$d/$u" ] || [ -L "$d/$u" ]; then echo "$u"; break; fi
		done
	done
}

# wait_units SECONDS UNIT... waits while one of the units runs (a oneshot
# job is "activating" until it ends).
wait_units() {
	limit=$1 waited=0
	shift
	while :; do
		busy=
		for u in "$@"; do
			case $(systemctl is-active "$u" 2>/dev/null) in
			active | activating | deactivating | reloading | refreshing) busy="$busy $u" ;;
			esac
		done
		[ -n "$busy" ] || return 0
		if [ "$limit" -eq 0 ]; then say "warning:$busy still running; not waiting (boot_timeout = 0s)"; return 0; fi
		if [ "$waited" -ge "$limit" ]; then
			say "$busy still running after ${limit}s (boot_timeout); raise boot_timeout or look at /var/log/unattended-upgrades/ on the instance" >&2
			return 1
		fi
		progress "$waited" "$limit" "waiting for$busy to finish (apt lists or unattended-upgrades)"
		sleep 1
		waited=$((waited + 1))
	done
}
