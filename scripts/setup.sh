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
export DEBIAN_FRONTEND=noninteractive

say() { printf '==> setup.sh: %s\n' "$*"; }

say "upgrading packages (keeping existing configuration files)"
apt-get update -q
apt-get -q -y -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold dist-upgrade

say "installing tools"
apt-get -q -y -o Dpkg::Use-Pty=0 install curl wget git vim apt-transport-https ca-certificates

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
