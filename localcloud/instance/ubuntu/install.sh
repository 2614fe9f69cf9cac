#!/bin/sh
# Usage: localcloud/instance/ubuntu/install.sh ROOT [KNOB=VALUE...]
# Makes the Debian root at ROOT boot like an Ubuntu AMI on EC2 where a build
# notices (see README.md): installs the imitation's files (root/ mirrors
# where they go), enables apt-daily.timer as Ubuntu does, and, when knobs
# are given, writes them (lib.sh lists them) into
# ROOT/etc/localcloud/ubuntu.conf (without, a conf already there is kept).
# Then ROOT/usr/local/lib/ubuntu-imitation/boot boots it, inside the root.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 ROOT [KNOB=VALUE...]" >&2; exit 2; }
root=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
cp -R "$here/root/." "$root/"
wants=$root/etc/systemd/system/timers.target.wants
mkdir -p "$wants"
[ -e "$wants/apt-daily.timer" ] || ln -s /lib/systemd/system/apt-daily.timer "$wants/apt-daily.timer"
[ $# -gt 0 ] || exit 0
mkdir -p "$root/etc/localcloud"
: >"$root/etc/localcloud/ubuntu.conf"
for knob in "$@"; do
	case $knob in
	[A-Z]*=*) printf '%s\n' "$knob" >>"$root/etc/localcloud/ubuntu.conf" ;;
	*) echo "install.sh: '$knob' is not KNOB=VALUE" >&2; exit 2 ;;
	esac
done
