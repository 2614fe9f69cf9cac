#!/bin/sh
# A few CIS-style settings (abridged).
apt-get update
apt-get install -y auditd unattended-upgrades
echo 'net.ipv4.conf.all.send_redirects = 0' > /etc/sysctl.d/60-cis.conf
sed -i 's/^#\?PermitRootLogin.*/PermitRootLogin no/' /etc/ssh/sshd_config
