#!/bin/sh
# Boots a local cloud instance. The daemon (localcloud serve) starts it as
# PID 1 of new mount, PID, UTS, IPC and network namespaces: every mount and
# process below exists only for this instance and vanishes with it, and the
# instance has no network but its own loopback (no way out: apt uses the
# local mirror). Environment from the daemon:
#   INSTANCE_ID, INSTANCE_HOSTNAME
#   LAUNCH_KEY   the launch key pair's public key (empty: none)
#   LOWER        the image's read-only layers, top first, colon-separated
#   UPPER, WORK  the instance's disk (overlay upper and work directories)
#   ROOT         where its root is mounted
#   APT_MIRROR   the local apt repository (tools/apt-mirror.sh)
#   INIT         the program run as PID 1 in the root (localcloud init);
#                it writes "ready" on fd 3 when what the image enables listens
set -eu
here=$(cd "$(dirname "$0")" && pwd)

# Mounts stay in this namespace whatever the host's propagation is.
mount --make-rprivate /
mount -t overlay overlay -o "lowerdir=$LOWER,upperdir=$UPPER,workdir=$WORK" "$ROOT"
mount -t proc proc "$ROOT/proc"
# /run and /dev/shm are memory, as on a booted machine: never on the disk.
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$ROOT/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$ROOT/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$ROOT/dev/pts"
mount --bind "$ROOT/dev/pts/ptmx" "$ROOT/dev/ptmx"
# The local apt mirror, read-only, where the instance's apt sources point.
mkdir -p "$ROOT/run/localcloud/apt"
mount --bind "$APT_MIRROR" "$ROOT/run/localcloud/apt"
mount -o remount,bind,ro "$ROOT/run/localcloud/apt"
ip link set lo up
hostname "$INSTANCE_HOSTNAME"

# The instance's first boot: the instance ID differs from the one recorded
# (also true for an instance of an image baked from another instance).
FIRST_BOOT=1
[ "$(chroot "$ROOT" cat /var/lib/cloud/data/instance-id 2>/dev/null || true)" != "$INSTANCE_ID" ] || FIRST_BOOT=0
export FIRST_BOOT
# cloud-init's part runs inside the root, so nothing the image holds (a
# symbolic link, say) can make it write on the host.
chroot "$ROOT" /bin/sh -eu -s <"$here/cloud-init.sh" 3>&-
# Hook for imitating more of a real first boot (another cloud-init stage
# still running, apt timers): each executable in instance/boot.d runs here,
# at every boot, with the root as $1 and FIRST_BOOT set; what it leaves
# running becomes a child of the instance's init.
for hook in "$here"/boot.d/*; do if [ -x "$hook" ]; then "$hook" "$ROOT" 3>&-; fi; done

# PID 1 from here on: the daemon's own binary, bound into /run (memory,
# never part of the disk), running chrooted in the instance's root.
: >"$ROOT/run/localcloud/init"
mount --bind "$INIT" "$ROOT/run/localcloud/init"
exec chroot "$ROOT" /run/localcloud/init init
