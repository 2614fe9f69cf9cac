# What cloud-init does when an EC2 instance boots, for a local instance.
# boot.sh pipes this into /bin/sh chrooted in the instance's root, with
# INSTANCE_ID, INSTANCE_HOSTNAME, LAUNCH_KEY and FIRST_BOOT set.

# Every boot: the host name, and a machine ID if sealing removed it.
echo "$INSTANCE_HOSTNAME" >/etc/hostname
# ... resolvable, as Ubuntu's nss-myhostname makes it (sudo asks).
touch /etc/hosts
grep -q '^127\.0\.0\.1[[:space:]]' /etc/hosts || printf '127.0.0.1\tlocalhost\n' >>/etc/hosts
sed -i '/^127\.0\.1\.1[[:space:]]/d' /etc/hosts
printf '127.0.1.1\t%s\n' "$INSTANCE_HOSTNAME" >>/etc/hosts
[ -s /etc/machine-id ] || tr -dc 0-9a-f </dev/urandom | head -c 32 >/etc/machine-id

if [ "$FIRST_BOOT" = 1 ]; then
	# New host keys (ssh_deletekeys, ssh_genkeytypes): ed25519 and ecdsa;
	# an RSA key would take 1-2 s of every first boot here.
	rm -f /etc/ssh/ssh_host_*
	for type in ed25519 ecdsa; do
		ssh-keygen -q -t "$type" -N '' -C "root@$INSTANCE_HOSTNAME" -f "/etc/ssh/ssh_host_${type}_key"
	done
	# The default user: ubuntu, passwordless sudo, no password (keys only).
	if ! id ubuntu >/dev/null 2>&1; then
		useradd --create-home --shell /bin/bash --groups adm,sudo ubuntu
		usermod --password '*' ubuntu
	fi
	echo 'ubuntu ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/90-cloud-init-users
	chmod 440 /etc/sudoers.d/90-cloud-init-users
	# The launch key pair (RunInstances' KeyName) is added to ubuntu's keys,
	# and no other: an instance launched without a key pair has none.
	if [ -n "$LAUNCH_KEY" ]; then
		install -d -m 700 -o ubuntu -g ubuntu /home/ubuntu/.ssh
		touch /home/ubuntu/.ssh/authorized_keys
		grep -qxF "$LAUNCH_KEY" /home/ubuntu/.ssh/authorized_keys || printf '%s\n' "$LAUNCH_KEY" >>/home/ubuntu/.ssh/authorized_keys
		chown ubuntu:ubuntu /home/ubuntu/.ssh/authorized_keys
		chmod 600 /home/ubuntu/.ssh/authorized_keys
	fi
	# apt: the cloud's mirror (on EC2, the region's Ubuntu mirror). Here
	# the local one, mounted read-only by boot.sh: instances have no network.
	rm -f /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
	echo 'deb [trusted=yes] file:/run/localcloud/apt ./' >/etc/apt/sources.list
	mkdir -p /var/lib/cloud/data
	echo "$INSTANCE_ID" >/var/lib/cloud/data/instance-id
fi

# Done, as cloud-init records it.
mkdir -p "/var/lib/cloud/instances/$INSTANCE_ID"
ln -sfn "instances/$INSTANCE_ID" /var/lib/cloud/instance
date -u >/var/lib/cloud/instance/boot-finished
