#!/bin/sh
# Sets up the web server image in one script, as the seed's setup.sh did: the
# immutable-setup provisioner's `script` runs it on the build instance as root
# (with sudo and /bin/sh) after a file provisioner uploaded the terraform
# user's public key to /tmp/tf-packer.pub. images/image.pkr.hcl now declares
# these steps instead and runs only scripts/webapp.sh, whose lines this file
# repeats (e2e TestWebappScriptInSync keeps them equal).
# Idempotent: running it twice leaves the machine as running it once.
set -eu

# The demo application's version. Change it, rebake, and `terraform apply`
# replaces the instance with one running the new image.
APP_VERSION=1

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

# --- web app: the same lines as scripts/webapp.sh (e2e TestWebappScriptInSync) ---
say "installing the demo web app, version $APP_VERSION"
install -d -m 0755 /opt/webapp
printf '%s\n' "$APP_VERSION" >/opt/webapp/VERSION
cat >/opt/webapp/index.html <<HTML
<!doctype html>
<title>Learn Packer</title>
<h1>Hello from an immutable image</h1>
<p>App version $APP_VERSION, baked by Packer, deployed by Terraform.</p>
HTML
chmod 0644 /opt/webapp/VERSION /opt/webapp/index.html
# Served on 8080 at boot (sg_22 opens it). Enabled by symlink, which is all
# `systemctl enable` does, so this also works where systemd is not running.
cat >/etc/systemd/system/webapp.service <<'UNIT'
[Unit]
Description=Demo web app (static page)
After=network-online.target

[Service]
ExecStart=/usr/bin/python3 -m http.server 8080 --directory /opt/webapp
DynamicUser=yes
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT
install -d /etc/systemd/system/multi-user.target.wants
ln -sf /etc/systemd/system/webapp.service /etc/systemd/system/multi-user.target.wants/webapp.service

# --- end of web app ---

say "done (app version $APP_VERSION)"
