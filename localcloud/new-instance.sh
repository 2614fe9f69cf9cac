#!/usr/bin/env bash
# Usage: localcloud/new-instance.sh DIR
# Gives the local cloud in DIR (started by up.sh) a fresh "build instance":
# stops the previous one's sshd, unpacks a clean Debian root into DIR/root and
# starts sshd inside it on the same port. Run it before each bake, as each
# real bake gets a fresh instance from the source AMI.
#
# The root is entered with chroot inside private mount, PID and UTS
# namespaces (unshare): /proc and /dev/pts are mounted only there, the
# hostname is set only there, and stopping sshd (PID 1 inside) ends every
# process a build started in it. Nothing on the host changes outside DIR.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: $0 DIR"
dir=$(abs_dir "$1")
env="$dir/cloud.env"
[ -f "$env" ] || die "$env not found: start the local cloud with localcloud/up.sh $dir"
# shellcheck disable=SC1090
. "$env"
[ "$(id -u)" = 0 ] || die "the local instance needs root (chroot, unshare)"

stop_pid "${SSHD_PID:-}" sshd
root="$dir/root"
rm -rf "$root"
mkdir -p "$root"
tar -xpf "$("$repo/tools/debian-root.sh")" --numeric-owner -C "$root"

# What the image boots with on EC2: a fresh host key, a name, DNS, the
# default user with passwordless sudo and no password.
rm -f "$root"/etc/ssh/ssh_host_*
ssh-keygen -q -t ed25519 -N '' -C local-instance -f "$root/etc/ssh/ssh_host_ed25519_key"
echo local-instance >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 local-instance\n' >"$root/etc/hosts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/run/sshd"
chroot "$root" useradd --create-home --shell /bin/bash --groups sudo ubuntu
chroot "$root" usermod --password '*' ubuntu
echo 'ubuntu ALL=(ALL) NOPASSWD:ALL' >"$root/etc/sudoers.d/90-cloud-init-users"
chmod 440 "$root/etc/sudoers.d/90-cloud-init-users"

install -m 644 "$here/instance/sshd_config_local" "$root/etc/ssh/sshd_config_local"
sed -e "s|@ENDPOINT@|$AWS_ENDPOINT_URL|; s|@REGION@|$AWS_REGION|; s|@DEFAULT_USER@|ubuntu|" \
	"$here/instance/ec2-authorized-keys" >"$root/usr/local/sbin/ec2-authorized-keys"
chmod 755 "$root/usr/local/sbin/ec2-authorized-keys"

port=${SSH_PORT:-$(free_port)}
unshare --mount --propagation private --uts --pid --fork --kill-child --mount-proc="$root/proc" \
	sh -c 'hostname local-instance &&
		mount -t devpts -o newinstance,ptmxmode=0666 devpts "$1/dev/pts" &&
		exec chroot "$1" /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config_local -p "$2" -o ListenAddress=127.0.0.1' \
	sh "$root" "$port" </dev/null >>"$dir/sshd.log" 2>&1 &
launcher=$!

# Ready when the port answers with an SSH banner. SSHD_PID is sshd itself
# (PID 1 of the namespace; unshare ignores TERM): stopping it ends the
# namespace, every process in it, and then unshare.
pid=
for _ in $(seq 1 50); do
	kill -0 "$launcher" 2>/dev/null || { tail -n 20 "$dir/sshd.log" >&2; die "sshd exited (log above)"; }
	pid=${pid:-$(cat "/proc/$launcher/task/$launcher/children" 2>/dev/null | tr -d ' ')}
	banner=$( (exec 3<>"/dev/tcp/127.0.0.1/$port" && read -r -t 2 line <&3 && echo "$line") 2>/dev/null || true)
	[[ $banner == SSH-* && -n $pid ]] && break
	sleep 0.1
done
[[ $banner == SSH-* ]] || die "sshd did not answer on 127.0.0.1:$port (see $dir/sshd.log)"

set_env "$env" SSH_HOST 127.0.0.1
set_env "$env" SSH_PORT "$port"
set_env "$env" SSHD_PID "$pid"
set_env "$env" INSTANCE_ROOT "$root"
echo "local instance: ssh ubuntu@127.0.0.1 -p $port (root $root, sshd pid $pid)"
