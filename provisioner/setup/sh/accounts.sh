# Groups, users, their keys and sudo rules, files and scripts.

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
