# Sourced by the demos (demo.sh, demo-lifecycle.sh) after lib.sh: the
# throwaway folder they work in, and what happens to it and to the cloud
# when the demo ends. Not run directly.

# demo_workspace PREFIX makes the demo's folder ($work, with $cloud and
# $project in it) and sets the exit trap: the cloud is stopped and the
# folder removed on success; kept on failure (its logs) and with KEEP=1,
# which also leaves the cloud running.
demo_workspace() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	cloud="$work/cloud"
	project="$work/project"
	started=$(date +%s)
	bold='' plain=''
	[ -t 1 ] && bold=$'\033[1m' plain=$'\033[0m'
	trap demo_finish EXIT
}

demo_finish() {
	local rc=$?
	if [ "${KEEP:-}" = 1 ] && [ $rc -eq 0 ]; then
		echo "demo files kept in $work; the cloud keeps running: stop it with localcloud/down.sh $cloud"
		return
	fi
	"$here/down.sh" "$cloud" >/dev/null 2>&1 || true
	if [ "${KEEP:-}" = 1 ] || [ $rc -ne 0 ]; then echo "demo files kept in $work"; else rm -rf "$work"; fi
	[ $rc -eq 0 ] || echo "DEMO FAILED (exit $rc) at: ${current_step:-start}; logs in $work" >&2
}
