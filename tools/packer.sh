#!/usr/bin/env bash
# Prints the path of packer v1.15.0, building it from the Go module proxy into
# the cache the first time (about 1-3 minutes).
set -euo pipefail
. "$(dirname "$0")/cache.sh"
PACKER_VERSION=1.15.0
out="$CACHE_DIR/bin/packer-$PACKER_VERSION"
[ -x "$out" ] || build_go_module github.com/hashicorp/packer "v$PACKER_VERSION" "$out" >&2
echo "$out"
