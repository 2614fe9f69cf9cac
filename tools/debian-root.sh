#!/usr/bin/env bash
# Prints the path of a tarball holding a minimal Debian bookworm root, built
# once with debootstrap from the machine's Debian mirror and cached. Tests and
# the demo unpack it into a throwaway folder to stand in for a build instance:
#   tar -xpf "$(tools/debian-root.sh)" --numeric-owner -C "$dir"
set -euo pipefail
. "$(dirname "$0")/cache.sh"
SUITE=bookworm
# What a cloud image has that our local instance needs: sudo for the default
# execute_command, sshd to be reached, curl for its AuthorizedKeysCommand.
INCLUDE=sudo,openssh-server,curl,ca-certificates,procps,iproute2
out="$CACHE_DIR/debian-$SUITE-root.tar"
[ -s "$out" ] && { echo "$out"; exit 0; }

command -v debootstrap >/dev/null || "$(dirname "$0")/deps.sh" >&2
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
work=$(mktemp -d "$CACHE_DIR/debootstrap.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "building a Debian $SUITE root with debootstrap from $mirror (once; cached)" >&2
debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$work/root" "$mirror" >"$work/log" 2>&1 \
	|| { tail -n 20 "$work/log" >&2; echo "debootstrap failed (log above)" >&2; exit 1; }
# Keep apt lists so packages install offline of a second `apt-get update`.
tar -C "$work/root" --numeric-owner -cpf "$out.tmp" . && mv "$out.tmp" "$out"
echo "$out"
