# Sourced by the localcloud scripts: shared helpers. Not run directly.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

die() { echo "localcloud: $*" >&2; exit 1; }

# free_port prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# abs_dir DIR creates DIR and prints its absolute path. cloud.env holds
# unquoted values, so paths with spaces or quotes are refused up front.
abs_dir() {
	mkdir -p "$1" && (cd "$1" && pwd)
}
check_path() {
	case "$1" in *[[:space:]\'\"\$\`\\]*) die "path '$1' contains spaces or quotes; use a simpler folder" ;; esac
}

# set_env FILE KEY VALUE replaces or appends KEY=VALUE in FILE, atomically.
set_env() {
	local file=$1 key=$2 value=$3
	{ [ -f "$file" ] && grep -v "^$key=" "$file"; echo "$key=$value"; } >"$file.tmp" || true
	mv "$file.tmp" "$file"
}

# stop_pid PID NAME [SECONDS] sends TERM, waits (10 s unless told), then
# KILL. Only that PID.
stop_pid() {
	local pid=$1 name=$2 wait=${3:-10} i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill "$pid" 2>/dev/null || true
	for i in $(seq 1 $((wait * 5))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
	echo "localcloud: $name (pid $pid) ignored TERM; killing it" >&2
	kill -9 "$pid" 2>/dev/null || true
}

# debian_root prints the folder holding the unpacked Debian root that every
# local instance uses read-only as its overlay's lower layer. It is unpacked
# once per tarball (tools/debian-root.sh) into the tool cache, under a lock.
debian_root() {
	local tar stamp cache dest
	tar=$("$repo/tools/debian-root.sh")
	. "$repo/tools/cache.sh"
	cache="$CACHE_DIR/localcloud"
	mkdir -p "$cache"
	stamp=$(stat -c '%s-%Y' "$tar")
	dest="$cache/debian-root-$stamp"
	(
		flock 9
		if [ ! -d "$dest" ]; then
			echo "unpacking $tar once into $dest" >&2
			rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
			tar -xpf "$tar" --numeric-owner -C "$dest.tmp"
			mv "$dest.tmp" "$dest"
		fi
	) 9>"$cache/lock"
	echo "$dest"
}
