#!/usr/bin/env bash
# Installs what `make test` and `make demo` need on a fresh Debian machine.
# Idempotent and quiet when everything is already there.
set -euo pipefail
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v ssh-keygen >/dev/null || need+=(openssh-client)
command -v unzip >/dev/null || need+=(unzip)
command -v gpg >/dev/null || need+=(gpg) # release-check signs a snapshot with a throwaway key
command -v dpkg-scanpackages >/dev/null || need+=(dpkg-dev) # indexes the local apt mirror
command -v systemd-analyze >/dev/null || need+=(systemd) # immutable-setup checks the unit its seal installs
if [ ${#need[@]} -gt 0 ]; then
	echo "installing apt packages: ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v moto_server >/dev/null || { echo "moto_server not found: install moto[server] for Python 3" >&2; exit 1; }
command -v terraform >/dev/null || { echo "terraform not found on PATH" >&2; exit 1; }
here=$(dirname "$0")
"$here/packer.sh" >/dev/null
"$here/debian-root.sh" >/dev/null
# Every package local instances and test roots install, once: after this,
# `make demo` and `make test` need no network.
"$here/apt-mirror.sh" >/dev/null
# release-check: GoReleaser (cached build), and PyYAML (a moto dependency)
# to narrow the release targets to this machine's.
"$here/goreleaser.sh" >/dev/null
# The official Amazon plugin, which release-check and post-processor/tfvars'
# end-to-end test run (built once into the cache), and this module's own
# dependencies: nothing is left to download when the tests run.
. "$here/cache.sh"
amazon=$CACHE_DIR/bin/packer-plugin-amazon-1.2.1
[ -x "$amazon" ] || build_go_module github.com/hashicorp/packer-plugin-amazon v1.2.1 "$amazon"
(cd "$here/.." && go mod download)
python3 -c 'import yaml' 2>/dev/null || { echo "python3 cannot import yaml (PyYAML, normally installed with moto)" >&2; exit 1; }
