#!/usr/bin/env bash
# Prints the path of GoReleaser v2.15.1 (the newest that builds with Go 1.26),
# building it from the Go module proxy into the cache the first time
# (a few minutes on 2 cores).
set -euo pipefail
. "$(dirname "$0")/cache.sh"
GORELEASER_VERSION=2.15.1
out="$CACHE_DIR/bin/goreleaser-$GORELEASER_VERSION"
[ -x "$out" ] || build_go_module github.com/goreleaser/goreleaser/v2 "v$GORELEASER_VERSION" "$out" >&2
echo "$out"
