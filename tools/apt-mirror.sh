#!/usr/bin/env bash
# Prints the path of a small apt repository holding the packages in
# tools/apt-mirror.packages and everything they need (their dependencies,
# and the upgrades `apt-get dist-upgrade` would install) on the cached Debian
# root (tools/debian-root.sh). Built once from the machine's Debian mirror,
# cached; after that, local instances (localcloud/) and test roots
# (internal/roottest) install packages with no network: it is their only
# package source.
#
# A flat repository (Packages, Release; unsigned, used with [trusted=yes]):
#   deb [trusted=yes] file:/path/to/it ./
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cache.sh"
list="$here/apt-mirror.packages"
root_tar=$("$here/debian-root.sh")
packages=$(sed 's/#.*//' "$list" | xargs)
id=$(printf '%s\n%s\n' "$(basename "$root_tar")" "$packages" | sha256sum | cut -c1-8)
out="$CACHE_DIR/apt-mirror-$id"
[ -s "$out/Release" ] && { echo "$out"; exit 0; }
exec 9>"$CACHE_DIR/apt-mirror.lock"
flock 9
[ -s "$out/Release" ] && { echo "$out"; exit 0; }
command -v dpkg-scanpackages >/dev/null || { echo "dpkg-scanpackages not found: run tools/deps.sh (package dpkg-dev)" >&2; exit 1; }

work=$(mktemp -d "$CACHE_DIR/apt-mirror.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "building the local apt mirror ($packages) from the Debian mirror (once; cached)" >&2
mkdir "$work/root"
tar -xpf "$root_tar" --numeric-owner -C "$work/root"
cp /etc/resolv.conf "$work/root/etc/resolv.conf"
# apt runs in the root, in a private mount namespace (its /proc never shows
# on the host), and only downloads: the root is thrown away.
unshare --mount --propagation private sh -euc '
	root=$1
	shift
	mount -t proc proc "$root/proc"
	chroot "$root" apt-get -q update
	chroot "$root" apt-get -q -y --download-only dist-upgrade
	chroot "$root" apt-get -q -y --download-only install "$@"
' sh "$work/root" $packages >"$work/log" 2>&1 || { tail -n 30 "$work/log" >&2; echo "apt-mirror: downloading failed (log above)" >&2; exit 1; }

repo="$work/repo"
mkdir "$repo"
find "$work/root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec mv -t "$repo" {} +
(
	cd "$repo"
	dpkg-scanpackages --multiversion . /dev/null >Packages 2>/dev/null
	gzip -9nk Packages
	{
		echo "Origin: packer-plugin-immutable local mirror"
		echo "Label: localcloud"
		echo "Date: $(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S UTC')"
		echo "SHA256:"
		for f in Packages Packages.gz; do printf ' %s %s %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" "$f"; done
	} >Release
)
chmod -R a+rX "$repo"
mv "$repo" "$out"
echo "apt mirror: $(ls "$out" | grep -c '\.deb$') packages in $out" >&2
echo "$out"
