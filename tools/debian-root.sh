#!/usr/bin/env bash
# Prints the path of a tarball holding a minimal Debian bookworm root, built
# once with debootstrap from the machine's Debian mirror and cached. It stands
# in for the Ubuntu image a build starts from: the local cloud boots instances
# on it (localcloud/), tests unpack it into a throwaway folder (roottest):
#   tar -xpf "$(tools/debian-root.sh)" --numeric-owner -C "$dir"
# The file name carries a hash of the package list, so changing INCLUDE
# builds a new root instead of reusing a stale one.
set -euo pipefail
. "$(dirname "$0")/cache.sh"
SUITE=bookworm
# What an Ubuntu cloud image has that our instances need: sudo for the
# default execute_command, sshd to be reached, curl and ca-certificates,
# python3 (cloud-init's language on Ubuntu; the demo web app serves with it).
INCLUDE=sudo,openssh-server,curl,ca-certificates,procps,iproute2,python3
id=$(printf '%s %s' "$SUITE" "$INCLUDE" | sha256sum | cut -c1-8)
out="$CACHE_DIR/debian-$SUITE-root-$id.tar"
[ -s "$out" ] && { echo "$out"; exit 0; }
# One build at a time; a second caller waits and reuses it.
exec 9>"$CACHE_DIR/debian-root.lock"
flock 9
[ -s "$out" ] && { echo "$out"; exit 0; }

command -v debootstrap >/dev/null || "$(dirname "$0")/deps.sh" >&2
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
work=$(mktemp -d "$CACHE_DIR/debootstrap.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "building a Debian $SUITE root with debootstrap from $mirror (once; cached)" >&2
debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$work/root" "$mirror" >"$work/log" 2>&1 \
	|| { tail -n 20 "$work/log" >&2; echo "debootstrap failed (log above)" >&2; exit 1; }
# As on a cloud image: no package files left in apt's cache.
rm -f "$work/root"/var/cache/apt/archives/*.deb
tar -C "$work/root" --numeric-owner -cpf "$out.tmp" . && mv "$out.tmp" "$out"
echo "$out"
