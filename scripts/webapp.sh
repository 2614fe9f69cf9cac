#!/bin/sh
# The demo web app of the image: a static page in /opt/webapp served on 8080
# by webapp.service. images/image.pkr.hcl runs it through immutable-setup
# after the declarative part (packages, group, user, key), or after
# scripts/setup.sh in a template that prefers scripts.
# Idempotent: running it twice leaves the machine as running it once.
set -eu

# The demo application's version. Change it, rebake, and `terraform apply`
# replaces the instance with one running the new image.
APP_VERSION=1

say() { printf '==> webapp.sh: %s\n' "$*"; }

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
