#!/bin/sh
# Sets up the web server machine as the seed's setup.sh did: the
# immutable-setup provisioner's `script` runs it on the build instance as root
# (with sudo and /bin/sh) after a file provisioner uploaded the terraform
# user's public key to /tmp/tf-packer.pub. The seed's last step, fetching the
# web app, is scripts/webapp.sh: run both with
#   scripts = ["scripts/setup.sh", "scripts/webapp.sh"]
# images/image.pkr.hcl declares these steps instead and runs only webapp.sh.
# Idempotent: running it twice leaves the machine as running it once.
set -eu

KEY_UPLOAD=/tmp/tf-packer.pub
# How long boot-time work (cloud-init, apt's daily jobs, dpkg's locks) may
# take before the script gives up, and how often it says it still waits, in
# seconds.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-600}
BOOT_POLL=${BOOT_POLL:-30}
# needrestart (Ubuntu server) lists instead of restarting services mid-build.
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l NEEDRESTART_SUSPEND=1

say() { printf '==> setup.sh: %s\n' "$*"; }

# apt waits for dpkg's lock instead of failing; phased updates are always
# taken, so two builds of the same template get the same packages.
apt_get() {
	apt-get -q -y -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout="$BOOT_TIMEOUT" \
		-o APT::Get::Always-Include-Phased-Updates=true \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

# On EC2, SSH works before cloud-init has finished (it rewrites the apt
# sources and runs user-data): wait for it. Exit code 2 is recoverable
# errors (common on noble); a cloud-init without `status` writes
# boot-finished at its end.
say "waiting for boot to finish (cloud-init)"
if command -v cloud-init >/dev/null 2>&1 && cloud-init status --help >/dev/null 2>&1; then
	waited=0 rc=124
	while [ "$rc" = 124 ] && [ "$waited" -lt "$BOOT_TIMEOUT" ]; do
		[ "$waited" = 0 ] || say "still waiting for cloud-init (${waited}s of ${BOOT_TIMEOUT}s)"
		rc=0
		timeout "$BOOT_POLL" cloud-init status --wait >/dev/null || rc=$?
		waited=$((waited + BOOT_POLL))
	done
	case $rc in
	0) ;;
	2) say "warning: cloud-init finished with recoverable errors; continuing" ;;
	*) echo "setup.sh: cloud-init failed or did not finish (exit code $rc): see cloud-init status --long" >&2; exit 1 ;;
	esac
elif command -v cloud-init >/dev/null 2>&1; then
	waited=0
	until [ -e /var/lib/cloud/instance/boot-finished ]; do
		[ "$waited" -lt "$BOOT_TIMEOUT" ] || { echo "setup.sh: cloud-init did not finish" >&2; exit 1; }
		sleep 1
		waited=$((waited + 1))
	done
fi

# apt's timers must start nothing during the build: masked in /run only
# (gone when the instance stops; the image keeps them enabled); a job
# already running is waited for.
if [ -d /run/systemd/system ]; then
	say "holding apt's daily jobs for the build"
	systemctl mask --runtime --quiet apt-daily.timer apt-daily-upgrade.timer apt-daily.service apt-daily-upgrade.service
	systemctl stop --quiet apt-daily.timer apt-daily-upgrade.timer
	waited=0
	while systemctl is-active apt-daily.service apt-daily-upgrade.service | grep -qE '^(active|activating|deactivating)$'; do
		[ "$waited" -lt "$BOOT_TIMEOUT" ] || { echo "setup.sh: apt's daily jobs still run" >&2; exit 1; }
		[ $((waited % BOOT_POLL)) != 0 ] || say "waiting for apt's daily jobs (unattended-upgrades) to finish (${waited}s)"
		sleep 1
		waited=$((waited + 1))
	done
fi

say "upgrading packages (keeping existing configuration files)"
apt_get update
apt_get dist-upgrade
apt_get autoremove --purge

say "installing tools"
apt_get install curl wget git vim apt-transport-https ca-certificates

say "creating group hashicorp and user terraform"
getent group hashicorp >/dev/null || groupadd --system hashicorp
if id terraform >/dev/null 2>&1; then
	usermod --append --groups hashicorp terraform
else
	useradd --create-home --shell /bin/bash --groups hashicorp terraform
fi

say "granting terraform passwordless sudo"
sudoers=$(mktemp)
echo 'terraform ALL=(ALL) NOPASSWD:ALL' >"$sudoers"
visudo -c -q -f "$sudoers"
install -m 0440 -o root -g root "$sudoers" /etc/sudoers.d/terraform
rm -f "$sudoers"

say "installing the terraform user's SSH key"
if [ -s "$KEY_UPLOAD" ]; then
	install -d -m 0700 -o terraform -g terraform /home/terraform/.ssh
	install -m 0600 -o terraform -g terraform "$KEY_UPLOAD" /home/terraform/.ssh/authorized_keys
	rm -f "$KEY_UPLOAD"
elif [ ! -s /home/terraform/.ssh/authorized_keys ]; then
	echo "setup.sh: $KEY_UPLOAD is missing: the template's file provisioner must upload the public key first" >&2
	exit 1
fi

say "done"
