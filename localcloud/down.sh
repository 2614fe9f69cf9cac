#!/usr/bin/env bash
# Usage: localcloud/down.sh DIR
# Stops the moto_server and sshd that up.sh started from DIR, by the PIDs in
# DIR/cloud.env and nothing else. Safe to run twice. Leaves DIR in place.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: $0 DIR"
env="$1/cloud.env"
[ -f "$env" ] || { echo "localcloud: nothing to stop ($env not found)"; exit 0; }
# shellcheck disable=SC1090
. "$env"
stop_pid "${SSHD_PID:-}" sshd
stop_pid "${MOTO_PID:-}" moto_server
echo "local cloud in $1 stopped"
