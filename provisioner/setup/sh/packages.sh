pkg_manager() {
	for pm in apt-get dnf yum; do
		if command -v "$pm" >/dev/null 2>&1; then echo "$pm"; return 0; fi
	done
	say "no supported package manager (apt-get, dnf, yum) found" >&2
	return 1
}

# apt_get retries while another apt or dpkg (often cloud-init right after
# boot) holds the lock; any other failure is returned at once. Phased
# updates are always included: apt otherwise takes a share of them chosen
# by the machine-id, which every build instance draws anew, so two builds of
# the same template would differ.
apt_get() {
	tries=0
	while :; do
		rc=0
		apt-get -q -o DPkg::Lock::Timeout=60 -o APT::Get::Always-Include-Phased-Updates=true \
			-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" >"$work/apt.log" 2>&1 || rc=$?
		cat "$work/apt.log"
		[ "$rc" -ne 0 ] || return 0
		grep -qE 'Could not get lock|Unable to lock|Unable to acquire' "$work/apt.log" || return "$rc"
		tries=$((tries + 1))
		[ "$tries" -lt 20 ] || return "$rc"
		say "apt is locked by another process; retrying in ${apt_retry_delay:-10}s ($tries/20)"
		sleep "${apt_retry_delay:-10}"
	done
}

# missing_packages prints the packages not installed. On rpm systems a
# package counts as installed when something provides it: on Amazon Linux
# 2023, curl-minimal provides curl, so `rpm -q curl` fails although curl
# works, and installing curl would conflict.
missing_packages() {
	for p in "$@"; do
		if [ "$pm" = apt-get ]; then
			dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"
		else
			rpm -q --whatprovides "$p" >/dev/null 2>&1 || echo "$p"
		fi
	done
}

# ensure_packages UPGRADE PACKAGE...: names are validated by the provisioner
# (no blanks or glob characters), so $missing splits safely. After an
# upgrade, apt's autoremove takes what is no longer needed, old kernels
# included once the new one runs (after `reboot`).
ensure_packages() {
	upgrade=$1
	shift
	pm=$(pkg_manager)
	missing=$(missing_packages "$@")
	if [ "$upgrade" = 0 ] && [ -z "$missing" ]; then say "already installed: $*"; return 0; fi
	if [ "$pm" = apt-get ]; then
		apt_get update
		[ "$upgrade" = 0 ] || apt_get -y dist-upgrade
		[ -z "$missing" ] || apt_get -y install $missing
		[ "$upgrade" = 0 ] || apt_get -y autoremove --purge
		apt_get clean
	else
		[ "$upgrade" = 0 ] || "$pm" -y upgrade
		[ -z "$missing" ] || rpm_install $missing
	fi
	if reason=$(reboot_reason); then say "a reboot is required ($reason)"; fi
}

# rpm_install PACKAGE...: when a requested package conflicts with an
# installed provider (AL2023: curl-full with curl-minimal), dnf refuses and
# suggests --allowerasing; the install is repeated with it, which replaces
# the provider.
rpm_install() {
	rc=0
	"$pm" -y install "$@" >"$work/pm.log" 2>&1 || rc=$?
	cat "$work/pm.log"
	[ "$rc" -ne 0 ] || return 0
	[ "$pm" = dnf ] && grep -q -- '--allowerasing' "$work/pm.log" || return "$rc"
	say "a requested package conflicts with an installed one; installing again with --allowerasing to replace it"
	dnf -y install --allowerasing "$@"
}

# reboot_flag is where Debian and Ubuntu packages ask for a reboot.
reboot_flag=/var/run/reboot-required

# reboot_reason prints why the machine needs a reboot, or fails when it
# needs none: Debian and Ubuntu packages (a new kernel, libc) create
# /var/run/reboot-required; dnf and yum systems answer needs-restarting -r
# (exit code 1 and "Reboot is required").
reboot_reason() {
	if [ -e "$reboot_flag" ]; then
		pkgs=$(sort -u "$reboot_flag.pkgs" 2>/dev/null | tr '\n' ' ')
		echo "$reboot_flag${pkgs:+, for ${pkgs% }}"
		return 0
	fi
	for nr in needs-restarting "dnf needs-restarting"; do
		command -v "${nr%% *}" >/dev/null 2>&1 || continue
		out=$($nr -r 2>&1) && return 1
		case $out in *"Reboot is required"*)
			echo "needs-restarting -r: the kernel or core libraries were updated"
			return 0 ;;
		esac
	done
	return 1
}

# reboot_if_required ALLOWED: when a reboot is required and ALLOWED is 1,
# records this boot in /run (emptied by the reboot: the provisioner knows the
# machine is back when the record is gone or the boot id changed), tells
# run() to stop after this step, and reboots two seconds later, detached, so
# that the program's exit status still reaches Packer. ALLOWED is 0 on the
# run after a reboot: one reboot per provisioner.
reboot_if_required() {
	if ! reason=$(reboot_reason); then say "no reboot required"; return 0; fi
	if [ "$1" = 0 ]; then
		say "warning: a reboot is still required after rebooting once ($reason); continuing"
		return 0
	fi
	say "a reboot is required ($reason): rebooting; the program runs again once the machine is back"
	mkdir -p "$state"
	cat /proc/sys/kernel/random/boot_id >"$state/rebooting" 2>/dev/null || : >"$state/rebooting"
	: >"$work/reboot"
	set -- sh -c 'sleep 2; if [ -d /run/systemd/system ]; then systemctl reboot; else reboot; fi'
	if command -v setsid >/dev/null 2>&1; then set -- setsid "$@"; fi
	"$@" </dev/null >/dev/null 2>&1 &
}
