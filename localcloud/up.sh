#!/usr/bin/env bash
# Usage: localcloud/up.sh DIR
# Starts a local cloud for the demo and the end-to-end tests, all state in DIR:
#   - moto_server on a free loopback port, seeded with the images in
#     localcloud/amis.json (Ubuntu jammy owned by Canonical);
#   - the local cloud's daemon (localcloud/cmd/localcloud, built here) in
#     front of it as the EC2 endpoint: it boots an instance for each one
#     EC2 launches, reachable on loopback addresses through its groups;
#   - DIR/cloud.env: KEY=VALUE lines to source (bash) or parse (Go), with
#     the AWS_* variables that point packer and terraform at it.
# The EC2 endpoint is strict, as a real account is: the refusals EC2 makes
# right after a create, throttling and 5xx bursts (internal/ec2proxy,
# Strict). LOCALCLOUD_STRICT=0 turns that off (a faster, forgiving cloud).
# Stop it with localcloud/down.sh DIR.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: $0 DIR"
check_path "$1"
dir=$(abs_dir "$1")
env="$dir/cloud.env"
if [ -f "$env" ] && (. "$env"; kill -0 "${MOTO_PID:-0}" 2>/dev/null); then
	die "a local cloud already runs from $dir; stop it with localcloud/down.sh $dir"
fi
[ "$(id -u)" = 0 ] || die "the local cloud needs root (its instances use mount, chroot and namespaces)"
region=${AWS_REGION:-us-east-1}
[[ $region =~ ^[a-z0-9-]+$ ]] || die "AWS_REGION '$region' is not a region name"
command -v moto_server >/dev/null || die "moto_server not found: run tools/deps.sh"

# tools/terraformrc.sh walks the whole disk, which can fail when other
# processes delete folders meanwhile: try it a few times.
for _ in 1 2 3; do
	tfrc=$("$repo/tools/terraformrc.sh" "$dir/terraformrc") && [ -s "$tfrc" ] && break
	tfrc=
done
[ -n "$tfrc" ] || die "tools/terraformrc.sh could not write a Terraform CLI config"

base=$(debian_root)
mirror=$("$repo/tools/apt-mirror.sh") || die "no local apt mirror: run make deps (tools/apt-mirror.sh) once with network"
command -v go >/dev/null || die "go not found: the local cloud's daemon is built from localcloud/cmd/localcloud"
# Static, so it also runs inside instances as their PID 1.
(cd "$repo" && CGO_ENABLED=0 go build -o "$dir/localcloud" ./localcloud/cmd/localcloud) \
	|| die "building the local cloud's daemon failed"

port=$(free_port)
moto_url="http://127.0.0.1:$port"
# moto_server is a pyenv shim here: it execs, so $! is the server itself.
MOTO_AMIS_PATH="$here/amis.json" moto_server -H 127.0.0.1 -p "$port" </dev/null >"$dir/moto.log" 2>&1 &
moto_pid=$!
# Whatever fails from here on, leave nothing running.
trap 'rc=$?; [ $rc -eq 0 ] || "$here/down.sh" "$dir" >/dev/null 2>&1 || kill "$moto_pid" 2>/dev/null; exit $rc' EXIT
echo "MOTO_PID=$moto_pid" >"$env"
for _ in $(seq 1 100); do
	kill -0 "$moto_pid" 2>/dev/null || { tail -n 20 "$dir/moto.log" >&2; die "moto_server exited (log above)"; }
	AWS_ENDPOINT_URL=$moto_url AWS_REGION=$region "$here/ec2-show.py" regions >/dev/null 2>&1 && break
	sleep 0.2
done
AWS_ENDPOINT_URL=$moto_url AWS_REGION=$region "$here/ec2-show.py" regions >/dev/null \
	|| die "moto_server did not answer on $moto_url (see $dir/moto.log)"

# The daemon: the EC2 endpoint everything talks to, in front of moto.
rm -f "$dir/localcloud.env"
strict=true
[ "${LOCALCLOUD_STRICT:-1}" = 0 ] && strict=false
"$dir/localcloud" serve -dir "$dir" -moto "$moto_url" -base-root "$base" -amis "$here/amis.json" \
	-apt "$mirror" -boot "$here/instance/boot.sh" -strict="$strict" </dev/null >"$dir/localcloud.log" 2>&1 &
daemon_pid=$!
echo "LOCALCLOUD_PID=$daemon_pid" >>"$env"
for _ in $(seq 1 100); do
	kill -0 "$daemon_pid" 2>/dev/null || { tail -n 20 "$dir/localcloud.log" >&2; die "the local cloud's daemon exited (log above)"; }
	[ -s "$dir/localcloud.env" ] && break
	sleep 0.1
done
[ -s "$dir/localcloud.env" ] || die "the local cloud's daemon did not start (see $dir/localcloud.log)"
endpoint=$(sed -n 's/^ENDPOINT=//p' "$dir/localcloud.env")
ssh_port=$(sed -n 's/^SSH_PORT=//p' "$dir/localcloud.env")

cat >"$env" <<ENV
AWS_ENDPOINT_URL=$endpoint
AWS_ACCESS_KEY_ID=test
AWS_SECRET_ACCESS_KEY=test
AWS_EC2_METADATA_DISABLED=true
AWS_CONFIG_FILE=/dev/null
AWS_SHARED_CREDENTIALS_FILE=/dev/null
AWS_REGION=$region
AWS_DEFAULT_REGION=$region
CHECKPOINT_DISABLE=1
TF_CLI_CONFIG_FILE=$tfrc
MOTO_URL=$moto_url
MOTO_PID=$moto_pid
LOCALCLOUD_PID=$daemon_pid
LOCALCLOUD_DIR=$dir
ENV
if [ "$ssh_port" != 22 ]; then
	# This machine does not let us listen on port 22 of loopback addresses:
	# instances' SSH is on this port instead (templates: ssh_port).
	echo "SSH_PORT=$ssh_port" >>"$env"
	echo "note: instances' SSH is on port $ssh_port, not 22 (SSH_PORT in cloud.env; pass it as ssh_port)" >&2
fi
echo "local cloud up: EC2 endpoint $endpoint (daemon pid $daemon_pid, moto pid $moto_pid, images from localcloud/amis.json)"
echo "environment in $env (source it, or: set -a; . $env; set +a)"
