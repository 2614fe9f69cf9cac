# Shared by the pieces of localcloud's Ubuntu boot imitation (sourced, never
# run). Everything here runs inside the instance's root, as root.
lib=/usr/local/lib/ubuntu-imitation
# run is this boot's state (emptied by a reboot, like the tmpfs /run).
run=/run/ubuntu-imitation
units=$run/units

# Knobs (install.sh writes them; tests and the demo choose):
#   CLOUD_INIT_SECONDS  how long cloud-init stays "running" after boot, or
#                       "hold": until $run/release-cloud-init exists
#   CLOUD_INIT_RESULT   done | degraded (status --wait exits 2) | error (1)
#   CLOUD_INIT_OLD      1: a cloud-init without `status` (before 18.x)
#   MIRROR              the apt mirror cloud-init writes into sources.list
#   TIMERS_FIRST, TIMERS_EVERY  seconds until apt's timers fire, then between
#                       firings; "manual": only when $run/fire-timers appears
#   JOB_SECONDS         how long an apt-daily job runs (holding the locks),
#                       or "hold": until $run/release-jobs exists
#   BOOT_SECONDS        how long logins are refused while rebooting (nologin)
CLOUD_INIT_SECONDS=10 CLOUD_INIT_RESULT=done CLOUD_INIT_OLD=0 MIRROR=
TIMERS_FIRST=40 TIMERS_EVERY=60 JOB_SECONDS=5 BOOT_SECONDS=2
# shellcheck disable=SC1091
[ ! -f /etc/localcloud/ubuntu.conf ] || . /etc/localcloud/ubuntu.conf

# journal MESSAGE: what journald would record. It writes to
# /var/log/journal/<machine-id>/ until `journalctl --relinquish-var`, then
# to /run/log/journal/ for the rest of the boot; like journald, it opens a
# new file when its file was deleted.
journal() {
	if [ -e "$run/journal-relinquished" ]; then dir=/run/log/journal; else dir=/var/log/journal/$(cat "$run/machine-id" 2>/dev/null); fi
	mkdir -p "$dir" && printf '%s %s\n' "$(date '+%b %d %H:%M:%S')" "$*" >>"$dir/system.journal"
}

# unit_state UNIT prints what systemctl is-active would; set_state UNIT STATE.
unit_state() { cat "$units/$1" 2>/dev/null || echo inactive; }
set_state() { mkdir -p "$units" && echo "$2" >"$units/$1"; }

# manager_lock, manager_unlock: systemd's PID 1 handles one request at a
# time, so a job's start and a `systemctl mask` never interleave: the job
# either started before the mask (and a build sees it running) or finds its
# unit masked. Held around deciding and recording a start, and a mask.
manager_lock() { mkdir -p "$run" && exec 9>>"$run/manager.lock" && flock 9; }
manager_unlock() { exec 9>&-; }

# masked UNIT: masked for good (/etc) or for this boot (/run, --runtime).
masked() {
	for d in /etc/systemd/system /run/systemd/system; do
		[ "$(readlink "$d/$1" 2>/dev/null)" != /dev/null ] || return 0
	done
	return 1
}

# background NAME COMMAND...: starts a daemon of this boot, detached, and
# records its PID, which is its process group's (a reboot ends the groups;
# the shutdown stops syslogd).
background() {
	name=$1
	shift
	mkdir -p "$run/pids"
	setsid "$@" </dev/null >>"$run/imitation.log" 2>&1 &
	echo $! >"$run/pids/$name"
}
