#!/usr/bin/env bash
# Usage: localcloud/up.sh DIR
# Starts a local cloud for the demo and the end-to-end tests, all state in DIR:
#   - moto_server on a free loopback port as the EC2 endpoint, seeded with
#     the images in localcloud/amis.json (Ubuntu jammy owned by Canonical);
#   - an sshd standing in for the build instance (see new-instance.sh);
#   - DIR/cloud.env: KEY=VALUE lines to source (bash) or parse (Go), with
#     the AWS_* variables that point packer and terraform at moto.
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
[ "$(id -u)" = 0 ] || die "the local build instance needs root (mount, chroot, unshare)"
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

port=$(free_port)
endpoint="http://127.0.0.1:$port"
# moto_server is a pyenv shim here: it execs, so $! is the server itself.
MOTO_AMIS_PATH="$here/amis.json" moto_server -H 127.0.0.1 -p "$port" </dev/null >"$dir/moto.log" 2>&1 &
moto_pid=$!
# Whatever fails from here on, leave nothing running.
trap 'rc=$?; [ $rc -eq 0 ] || "$here/down.sh" "$dir" >/dev/null 2>&1 || kill "$moto_pid" 2>/dev/null; exit $rc' EXIT
cat >"$env" <<ENV
AWS_ENDPOINT_URL=$endpoint
AWS_ACCESS_KEY_ID=test
AWS_SECRET_ACCESS_KEY=test
AWS_EC2_METADATA_DISABLED=true
AWS_CONFIG_FILE=/dev/null
AWS_SHARED_CREDENTIALS_FILE=/dev/null
AWS_REGION=$region
AWS_DEFAULT_REGION=$region
MOTO_PID=$moto_pid
CHECKPOINT_DISABLE=1
TF_CLI_CONFIG_FILE=$tfrc
ENV

for _ in $(seq 1 100); do
	kill -0 "$moto_pid" 2>/dev/null || { tail -n 20 "$dir/moto.log" >&2; die "moto_server exited (log above)"; }
	AWS_ENDPOINT_URL=$endpoint AWS_REGION=$region "$here/ec2-show.py" regions >/dev/null 2>&1 && break
	sleep 0.2
done
AWS_ENDPOINT_URL=$endpoint AWS_REGION=$region "$here/ec2-show.py" regions >/dev/null \
	|| die "moto_server did not answer on $endpoint (see $dir/moto.log)"
echo "EC2 endpoint: $endpoint (moto pid $moto_pid, images from localcloud/amis.json)"

"$here/new-instance.sh" "$dir"
echo "local cloud up; environment in $env (source it, or: set -a; . $env; set +a)"
