#!/usr/bin/env bash
# Usage: localcloud/down.sh DIR
# Stops what up.sh started from DIR, by the PIDs in DIR/cloud.env and
# nothing else: the daemon (which first stops every instance: their
# namespaces, mounts and processes go with them), then moto_server. Safe to
# run twice. Leaves DIR (instances' disks, images' layers, logs) in place.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: $0 DIR"
env="$1/cloud.env"
[ -f "$env" ] || { echo "localcloud: nothing to stop ($env not found)"; exit 0; }
# shellcheck disable=SC1090
. "$env"
stop_pid "${LOCALCLOUD_PID:-}" "the local cloud's daemon" 60
stop_pid "${MOTO_PID:-}" moto_server
echo "local cloud in $1 stopped"
