# clear_authorized_keys USER KEY...: empties the authorized_keys of USER,
# the user the build logged in as, but for the KEYs this configuration
# declares for that user. The file holds the key the build connected with
# (the EC2 key pair cloud-init installed, ssh_keypair_name's or
# ssh_private_key_file's key, amazon-ebs's temporary key), which every
# instance of the image would otherwise trust; cloud-init installs each
# instance's own key pair at its first boot. The dropped keys also leave
# root's file, where cloud-init puts them behind a "login as" command.
clear_authorized_keys() {
	user=$1
	shift
	home=$(getent passwd "$user" | cut -d: -f6)
	if [ -z "$home" ]; then say "ssh_clear_authorized_keys: the SSH user $user does not exist" >&2; return 1; fi
	f="$home/.ssh/authorized_keys"
	if [ ! -f "$f" ]; then say "$f does not exist: no key to clear"; return 0; fi
	: >"$work/keep"
	for key in "$@"; do printf '%s\n' "$key" >>"$work/keep"; done
	grep -vxF -f "$work/keep" "$f" >"$work/dropped" || true
	if [ ! -s "$work/dropped" ]; then say "$f holds no key to clear"; return 0; fi
	{ grep -xF -f "$work/keep" "$f" || true; } >"$work/kept"
	cat "$work/kept" >"$f"
	say "cleared $f: $(wc -l <"$work/dropped") key(s) of the build removed, $(wc -l <"$work/kept") declared key(s) kept"
	drop_keys /root/.ssh/authorized_keys "$work/dropped"
}

# drop_keys FILE LINES: removes from FILE the lines holding a key (the
# base64 field, whatever options or comment surround it) of LINES, in
# place, so FILE keeps its owner and mode.
drop_keys() {
	[ -f "$1" ] || return 0
	set -f
	: >"$work/blobs"
	while read -r line; do
		for word in $line; do
			case $word in AAAA*) printf '%s\n' "$word" >>"$work/blobs" ;; esac
		done
	done <"$2"
	set +f
	[ -s "$work/blobs" ] && grep -qF -f "$work/blobs" "$1" || return 0
	{ grep -vF -f "$work/blobs" "$1" || true; } >"$work/rest"
	cat "$work/rest" >"$1"
	say "removed the build's key(s) from $1"
}

# seal makes every instance of the image unique and leaves nothing of the
# build in it. /tmp keeps systemd-private-* folders: running services use
# them, and systemd removes them when the services stop.
seal() {
	rm -f /etc/ssh/ssh_host_*
	[ ! -s /etc/machine-id ] || : >/etc/machine-id
	[ -L /var/lib/dbus/machine-id ] || rm -f /var/lib/dbus/machine-id
	rm -rf /var/lib/cloud
	[ ! -d /var/lib/apt/lists ] || find /var/lib/apt/lists -type f ! -name lock -delete
	rm -f /var/cache/apt/*.bin
	rm -f /root/.*_history /home/*/.*_history
	for d in /tmp /var/tmp; do
		[ ! -d "$d" ] || find "$d" -mindepth 1 -maxdepth 1 ! -name 'systemd-private-*' -exec rm -rf {} +
	done
	seal_logs
	say "sealed: host keys, machine-id, cloud-init state, random seed, apt lists, /tmp, /var/tmp, shell history and logs removed"
}

# seal_logs removes the logs now and again when the instance stops: sshd,
# sudo, rsyslog, utmp and systemd-random-seed keep writing after the seal
# (the builder's own commands, the session's end, the shutdown). journald
# is told to write to /run from now on (--relinquish-var, systemd >= 243);
# a unit in /run (gone with the instance, never in the image) runs
# /run/immutable-setup/clean-logs when it is stopped, after those writers.
seal_logs() {
	mkdir -p "$state"
	clean_logs_script >"$state/clean-logs"
	if systemd_running; then
		journalctl --relinquish-var >/dev/null 2>&1 ||
			say "warning: journald cannot be moved to /run (systemd < 243); the journal may keep lines logged after the seal"
		seal_unit >/run/systemd/system/immutable-setup-seal.service
		systemctl daemon-reload
		systemctl start immutable-setup-seal.service
	fi
	sh "$state/clean-logs"
}

clean_logs_script() {
	cat <<'SCRIPT'
#!/bin/sh
# Written by immutable-setup's seal; run by it, and again by
# immutable-setup-seal.service when the instance stops.
[ ! -d /var/log/journal ] || find /var/log/journal -type f -delete
find /var/log -type f \( -name '*.gz' -o -name '*.[0-9]' -o -name '*.old' \) -delete
find /var/log -type f -size +0 -exec truncate -s 0 {} +
rm -f /var/lib/systemd/random-seed
SCRIPT
}

# seal_unit is the unit that cleans the logs when the instance stops.
# Units stop in the reverse of their start order, so Before= on each writer
# means stopped after it; Before=basic.target puts it after every service
# with default dependencies.
seal_unit() {
	cat <<'UNIT'
[Unit]
Description=Remove what was logged after immutable-setup sealed the image
DefaultDependencies=no
Conflicts=shutdown.target
Before=shutdown.target basic.target
Before=ssh.service sshd.service rsyslog.service syslog.socket unattended-upgrades.service
Before=systemd-journal-flush.service systemd-update-utmp.service systemd-random-seed.service
Before=amazon-ssm-agent.service snap.amazon-ssm-agent.amazon-ssm-agent.service cloud-final.service
RequiresMountsFor=/var/log /var/lib/systemd

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
ExecStop=/bin/sh /run/immutable-setup/clean-logs
UNIT
}
