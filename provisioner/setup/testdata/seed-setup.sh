#!/bin/bash
# The seed's scripts/setup.sh in its own style (sudo on every line, not
# idempotent), kept unchanged to prove `script` runs such scripts. Only the
# package list is smaller and the application comes from a local folder,
# since tests have no internet beyond the Debian mirror.
set -e

# Install necessary dependencies
sudo apt-get update
sudo DEBIAN_FRONTEND=noninteractive apt-get -y -qq install tree

# Setup sudo to allow no-password sudo for "hashicorp" group and adding "terraform" user
sudo groupadd -r hashicorp
sudo useradd -m -s /bin/bash terraform
sudo usermod -a -G hashicorp terraform
sudo cp /etc/sudoers /etc/sudoers.orig
echo "terraform  ALL=(ALL) NOPASSWD:ALL" | sudo tee /etc/sudoers.d/terraform

# Installing SSH key
sudo mkdir -p /home/terraform/.ssh
sudo chmod 700 /home/terraform/.ssh
sudo cp /tmp/tf-packer.pub /home/terraform/.ssh/authorized_keys
sudo chmod 600 /home/terraform/.ssh/authorized_keys
sudo chown -R terraform /home/terraform/.ssh
sudo usermod --shell /bin/bash terraform

# Create the application as terraform
sudo -H -i -u terraform -- env bash -c "mkdir -p go/src && echo \"app for \$USER\" > go/src/app.txt"
