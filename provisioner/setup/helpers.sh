# Helpers of the setup program (embedded into program.tmpl). Each one
# checks before it changes, so running a step twice changes nothing.

say() { printf '%s\n' "$*"; }

pkg_manager() {
	for pm in apt-get dnf yum; do
		if command -v "$pm" >/dev/null 2>&1; then echo "$pm"; return 0; fi
	done
	say "no supported package manager (apt-get, dnf, yum) found" >&2
	return 1
}

# apt_get retries while another apt or dpkg (often cloud-init right after
# boot) holds the lock; any other failure is returned at once.
apt_get() {
	tries=0
	while :; do
		rc=0
		apt-get -q -o DPkg::Lock::Timeout=60 -o Dpkg::Options::=--force-confdef \
			-o Dpkg::Options::=--force-confold "$@" >"$work/apt.log" 2>&1 || rc=$?
		cat "$work/apt.log"
		[ "$rc" -ne 0 ] || return 0
		grep -qE 'Could not get lock|Unable to lock|Unable to acquire' "$work/apt.log" || return "$rc"
		tries=$((tries + 1))
		[ "$tries" -lt 20 ] || return "$rc"
		say "apt is locked by another process; retrying in ${apt_retry_delay:-10}s ($tries/20)"
		sleep "${apt_retry_delay:-10}"
	done
}

missing_packages() {
	for p in "$@"; do
		if [ "$pm" = apt-get ]; then
			dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"
		else
			rpm -q "$p" >/dev/null 2>&1 || echo "$p"
		fi
	done
}

# ensure_packages UPGRADE PACKAGE...: names are validated by the provisioner
# (no blanks or glob characters), so $missing splits safely.
ensure_packages() {
	upgrade=$1; shift
	pm=$(pkg_manager)
	missing=$(missing_packages "$@")
	if [ "$upgrade" = 0 ] && [ -z "$missing" ]; then say "already installed: $*"; return 0; fi
	if [ "$pm" = apt-get ]; then
		apt_get update
		[ "$upgrade" = 0 ] || apt_get -y dist-upgrade
		[ -z "$missing" ] || apt_get -y install $missing
		apt_get clean
	else
		[ "$upgrade" = 0 ] || "$pm" -y upgrade
		[ -z "$missing" ] || "$pm" -y install $missing
	fi
}

ensure_group() {
	if getent group "$1" >/dev/null; then say "group $1 exists"; return 0; fi
	if [ "$2" = 1 ]; then groupadd --system "$1"; else groupadd "$1"; fi
	say "created group $1"
}

# ensure_user NAME SHELL HOME: empty SHELL or HOME keep the system default.
ensure_user() {
	name=$1 shell=$2 home=$3
	if ! getent passwd "$name" >/dev/null; then
		set -- --create-home
		[ -z "$shell" ] || set -- "$@" --shell "$shell"
		[ -z "$home" ] || set -- "$@" --home-dir "$home"
		useradd "$@" "$name"
		say "created user $name"
	fi
	if [ -n "$shell" ] && [ "$(getent passwd "$name" | cut -d: -f7)" != "$shell" ]; then
		usermod --shell "$shell" "$name"; say "set the shell of $name to $shell"
	fi
	if [ -n "$home" ] && [ "$(getent passwd "$name" | cut -d: -f6)" != "$home" ]; then
		usermod --home "$home" --move-home "$name"; say "moved the home of $name to $home"
	fi
	home=$(getent passwd "$name" | cut -d: -f6)
	[ -d "$home" ] || install -d -m 0750 -o "$name" -g "$(id -gn "$name")" "$home"
}

ensure_member() {
	if id -nG "$1" | tr ' ' '\n' | grep -qxF -- "$2"; then return 0; fi
	usermod -a -G "$2" "$1"
	say "added $1 to group $2"
}

# check_sudoers FILE CONTENT: writes the fragment into the work folder and
# lets visudo judge it; nothing is installed here.
check_sudoers() {
	printf '%s\n' "$2" >"$work/$1"
	if ! command -v visudo >/dev/null 2>&1; then
		say "visudo not found: install the sudo package (packages = [\"sudo\"])" >&2
		return 1
	fi
	visudo -c -f "$work/$1" >/dev/null || { say "visudo rejected the sudoers rules in $1; nothing was installed" >&2; return 1; }
}

# precheck_sudoers runs before anything changes; when sudo is not installed
# yet (it may be in packages), install_sudoers checks later.
precheck_sudoers() {
	if ! command -v visudo >/dev/null 2>&1; then
		say "visudo is not installed yet; the rules for $1 are checked before they are installed"
		return 0
	fi
	check_sudoers "$1" "$2"
}

install_sudoers() {
	check_sudoers "$1" "$2"
	cmp -s "$work/$1" "/etc/sudoers.d/$1" && return 0
	[ -d /etc/sudoers.d ] || install -d -m 0755 /etc/sudoers.d
	install -m 0440 -o root -g root "$work/$1" "/etc/sudoers.d/$1"
	say "installed /etc/sudoers.d/$1"
}

# ensure_keys USER KEY...: adds missing keys; .ssh is 700 and authorized_keys
# 600, both owned by the user. A locked password ("!") refuses key logins on
# sshd without PAM, so it becomes "*" (no password, not locked).
ensure_keys() {
	user=$1; shift
	group=$(id -gn "$user")
	dir="$(getent passwd "$user" | cut -d: -f6)/.ssh"
	install -d -m 0700 -o "$user" -g "$group" "$dir"
	f="$dir/authorized_keys"
	[ -e "$f" ] || : >"$f"
	if [ -s "$f" ] && [ -n "$(tail -c 1 "$f")" ]; then echo >>"$f"; fi
	for key in "$@"; do
		grep -qxF -- "$key" "$f" || { printf '%s\n' "$key" >>"$f"; say "added a key to $f"; }
	done
	chmod 0600 "$f"
	chown "$user:$group" "$f"
	if [ "$(getent shadow "$user" | cut -d: -f2)" = '!' ]; then usermod -p '*' "$user"; fi
}

# install_file SOURCE DESTINATION MODE OWNER
install_file() {
	mkdir -p "$(dirname "$2")"
	if ! cmp -s "$1" "$2"; then
		cp "$1" "$2.immutable-setup" && mv -f "$2.immutable-setup" "$2"
		say "installed $2"
	fi
	chmod "$3" "$2"
	[ -z "$4" ] || chown "$4" "$2"
}

# run_script runs a script with the interpreter of its #! line (/bin/sh
# without one), not by executing it: remote_folder may be mounted noexec.
run_script() {
	first=$(head -n 1 "$1" | tr -d '\r')
	case $first in
	'#!'*) set -- ${first#??} "$1" ;;
	*) set -- /bin/sh "$1" ;;
	esac
	"$@"
}

# remove_key BLOB: drops every authorized_keys line holding the build's
# temporary public key, keeping each file's mode and owner.
remove_key() {
	getent passwd | cut -d: -f6 | sort -u | while read -r home; do
		f="$home/.ssh/authorized_keys"
		[ -f "$f" ] && grep -qF -- "$1" "$f" || continue
		grep -vF -- "$1" "$f" >"$work/keys" || true
		cat "$work/keys" >"$f"
		say "removed the build's temporary key from $f"
	done
}

seal() {
	rm -f /etc/ssh/ssh_host_*
	[ ! -s /etc/machine-id ] || : >/etc/machine-id
	[ -L /var/lib/dbus/machine-id ] || rm -f /var/lib/dbus/machine-id
	rm -rf /var/lib/cloud
	[ ! -d /var/log/journal ] || find /var/log/journal -type f -delete
	find /var/log -type f \( -name '*.gz' -o -name '*.[0-9]' -o -name '*.old' \) -delete
	find /var/log -type f -size +0 -exec truncate -s 0 {} +
	rm -f /root/.*_history /home/*/.*_history
	[ -z "$1" ] || remove_key "$1"
	say "sealed: host keys, machine-id, cloud-init state, logs and shell history removed"
}
