#!/usr/bin/env bash
# Usage: localcloud/new-instance.sh DIR
# Gives the local cloud in DIR (started by up.sh) a fresh "build instance":
# stops the previous one's sshd and boots a new one (instance/boot.sh) on the
# same port, on a clean copy-on-write Debian root. Run it before each bake,
# as each real bake gets a fresh instance from the source AMI.
#
# Nothing on the host changes outside DIR and the tool cache: the root's
# mounts live in private namespaces, and stopping sshd (PID 1 there) ends
# every process a build started in it. While it runs, the instance's root is
# readable from the host at INSTANCE_ROOT (/proc/PID/root); the files the
# build changed stay in DIR/instance-N/upper afterwards.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: $0 DIR"
dir=$(abs_dir "$1")
env="$dir/cloud.env"
[ -f "$env" ] || die "$env not found: start the local cloud with localcloud/up.sh $dir"
# Only DIR's own values count, never ones exported from another cloud.env.
unset SSH_PORT SSHD_PID INSTANCE_ROOT INSTANCE_CHANGES
# shellcheck disable=SC1090
. "$env"
[ "$(id -u)" = 0 ] || die "the local instance needs root (mount, chroot, unshare)"

stop_pid "${SSHD_PID:-}" sshd
lower=$(debian_root)
# Each instance gets its own folder; earlier ones are kept (removing a
# build's changes can take many seconds) and go with DIR.
n=1
while [ -e "$dir/instance-$n" ]; do n=$((n + 1)); done
inst="$dir/instance-$n"
mkdir -p "$inst/upper" "$inst/work" "$inst/root"

port=${SSH_PORT:-$(free_port)}
unshare --mount --propagation private --uts --pid --fork --kill-child \
	"$here/instance/boot.sh" "$lower" "$inst/upper" "$inst/work" "$inst/root" \
	"$port" "$AWS_ENDPOINT_URL" "$AWS_REGION" </dev/null >>"$dir/sshd.log" 2>&1 &
launcher=$!
# If the boot fails or times out, take down what was started: sshd if it got
# that far, else the launcher (KILL, as it ignores TERM; its child follows).
abort_boot() {
	if [ -n "${pid:-}" ]; then stop_pid "$pid" sshd; else kill -9 "$launcher" 2>/dev/null || true; fi
	die "$@"
}

# Ready when the port answers with an SSH banner. SSHD_PID is sshd itself
# (PID 1 of the namespace; unshare ignores TERM): stopping it ends the
# namespace, every process in it, and then unshare.
pid=
for _ in $(seq 1 100); do
	kill -0 "$launcher" 2>/dev/null || { tail -n 20 "$dir/sshd.log" >&2; abort_boot "the instance did not boot (log above)"; }
	pid=${pid:-$(tr -d ' ' <"/proc/$launcher/task/$launcher/children" 2>/dev/null || true)}
	banner=$( (exec 3<>"/dev/tcp/127.0.0.1/$port" && read -r -t 2 line <&3 && echo "$line") 2>/dev/null || true)
	[[ $banner == SSH-* && -n $pid ]] && break
	sleep 0.1
done
[[ $banner == SSH-* ]] || abort_boot "sshd did not answer on 127.0.0.1:$port (see $dir/sshd.log)"

set_env "$env" SSH_HOST 127.0.0.1
set_env "$env" SSH_PORT "$port"
set_env "$env" SSHD_PID "$pid"
set_env "$env" INSTANCE_ROOT "/proc/$pid/root"
set_env "$env" INSTANCE_CHANGES "$inst/upper"
echo "local instance: ssh ubuntu@127.0.0.1 -p $port (root /proc/$pid/root, sshd pid $pid)"
