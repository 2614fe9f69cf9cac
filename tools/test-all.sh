#!/usr/bin/env bash
# Runs every Go test, the acc tier included (`make unit`).
#
# builder/ami's acceptance tests start a moto of their own each and spend
# most of their time waiting out the strict cloud's delays, but they point
# the SDK at it through the process's environment (t.Setenv), so inside one
# process they run one at a time: ~20 minutes on 2 cores. They run here as
# SHARDS processes instead (3 unless told), next to `go test` of every other
# package; each shard's output is printed when it ends. Exit status 1 when
# any part failed.
set -euo pipefail
cd "$(dirname "$0")/.."
shards=${SHARDS:-3}
sharded=./builder/ami
flags=(-tags acc -count=1 -timeout 30m)
out=$(mktemp -d "${TMPDIR:-/tmp}/test-all.XXXXXX")
trap 'rm -rf "$out"' EXIT

mapfile -t tests < <(go test -tags acc -list '^Test' "$sharded" | grep '^Test')
[ ${#tests[@]} -gt 0 ] || { echo "test-all: no tests listed in $sharded" >&2; exit 1; }
pids=()
for ((s = 0; s < shards; s++)); do
	names=()
	for ((i = s; i < ${#tests[@]}; i += shards)); do names+=("${tests[i]}"); done
	[ ${#names[@]} -gt 0 ] || continue
	regex="^($(IFS='|'; echo "${names[*]}"))\$"
	go test "${flags[@]}" -run "$regex" "$sharded" >"$out/shard-$s.log" 2>&1 &
	pids+=($!)
done

status=0
# shellcheck disable=SC2046 # one word per package
go test "${flags[@]}" $(go list ./... | grep -v "/builder/ami\$") || status=1
for ((s = 0; s < ${#pids[@]}; s++)); do
	wait "${pids[s]}" || status=1
	echo "--- $sharded, shard $((s + 1)) of ${#pids[@]}:"
	cat "$out/shard-$s.log"
done
exit $status
