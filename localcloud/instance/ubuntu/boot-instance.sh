#!/bin/sh
# Usage: localcloud/instance/ubuntu/boot-instance.sh SSHD_PID [KNOB=VALUE...]
# Makes a running local instance (new-instance.sh; SSHD_PID is PID 1 of its
# namespaces) boot like an Ubuntu AMI: installs the imitation into its root
# and runs the boot inside its mount and PID namespaces, chrooted like sshd,
# where its reboot may end every process but PID 1.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 SSHD_PID [KNOB=VALUE...]" >&2; exit 2; }
pid=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
"$here/install.sh" "/proc/$pid/root" "$@"
exec nsenter --target "$pid" --mount --pid --root /usr/local/lib/ubuntu-imitation/boot --pid-namespace
