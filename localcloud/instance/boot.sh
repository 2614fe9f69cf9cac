#!/bin/sh
# Boots the local stand-in for a build instance; run by new-instance.sh as
# PID 1 of private mount, PID and UTS namespaces (unshare), so every mount and
# the hostname below exist only for this instance and vanish with it.
#   boot.sh LOWER UPPER WORK MERGED PORT ENDPOINT REGION
# The root is an overlay: LOWER is the unpacked Debian root shared by all
# instances (never written), UPPER receives this instance's changes. Then it
# does what cloud-init does on first boot, and runs sshd in the root.
set -eu
lower=$1 upper=$2 work=$3 root=$4 port=$5 endpoint=$6 region=$7
here=$(dirname "$0")

mount -t overlay overlay -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$root"
mount -t proc proc "$root/proc"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
hostname local-instance

# cloud-init's part: fresh host key, name, DNS, the default user `ubuntu`
# with passwordless sudo and no password, keys from the EC2 key pairs.
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
install -m 644 "$here/sshd_config_local" "$root/etc/ssh/sshd_config_local"
sed -e "s|@ENDPOINT@|$endpoint|; s|@REGION@|$region|; s|@DEFAULT_USER@|ubuntu|" \
	"$here/ec2-authorized-keys" >"$root/usr/local/sbin/ec2-authorized-keys"
chmod 755 "$root/usr/local/sbin/ec2-authorized-keys"

exec chroot "$root" /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config_local -p "$port" -o ListenAddress=127.0.0.1
