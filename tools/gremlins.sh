#!/usr/bin/env bash
# Runs gremlins (a generic mutation testing tool for Go, built from the Go
# module proxy into the tool cache the first time) on the pure packages,
# whose quick-tier tests are fast enough to run once per mutant, and prints
# each package's efficacy (killed / (killed + lived)) and the mutants that
# lived. docs/mutation-testing.md says what became of each one that
# mattered. Usage: tools/gremlins.sh [PACKAGE_FOLDER...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/cache.sh"
GREMLINS_VERSION=0.5.0
bin="$CACHE_DIR/bin/gremlins-$GREMLINS_VERSION"
[ -x "$bin" ] || build_go_module github.com/go-gremlins/gremlins "v$GREMLINS_VERSION" "$bin" ./cmd/gremlins >&2

packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(internal/tfvarsfile internal/ec2wait internal/awsid internal/command post-processor/tfvars provisioner/setup)
out=$(mktemp -d "${TMPDIR:-/tmp}/gremlins.XXXXXX")
trap 'rm -rf "$out"' EXIT
cd "$root"
status=0
for pkg in "${packages[@]}"; do
	name=${pkg//\//_}
	printf '\n==> gremlins unleash ./%s\n' "$pkg"
	# One worker: the machine is shared, and several workers make the
	# timeouts gremlins derives from one run of the tests too tight.
	nice -n 10 "$bin" unleash --workers 1 --timeout-coefficient 20 --output "$out/$name.json" "./$pkg" \
		>"$out/$name.log" 2>&1 || status=1
	grep -E '^ *(LIVED|TIMED OUT|NOT VIABLE) ' "$out/$name.log" || true
	grep -E '^(Killed|Timed out|Not covered|Test efficacy|Mutator coverage)' "$out/$name.log" || tail -n 20 "$out/$name.log"
done
exit $status
