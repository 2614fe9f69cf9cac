#!/usr/bin/env bash
# Installs the node's tools and records the release (abridged from an EKS
# worker install script). Works on dnf (Amazon Linux) and apt images.
set -euo pipefail
# SSH works before cloud-init has finished (it still holds the package
# locks): wait for it, as on any fresh EC2 instance.
if command -v cloud-init >/dev/null; then
	sudo cloud-init status --wait >/dev/null || [ $? -eq 2 ]
fi
if command -v dnf >/dev/null; then
	sudo dnf install -y jq curl
else
	apt="sudo DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=600"
	$apt update
	$apt install jq curl
fi
sudo install -d /etc/eks
sudo cp "$WORKING_DIR/kubelet-config.json" /etc/eks/kubelet-config.json
echo "kubernetes ${KUBERNETES_VERSION}" | sudo tee /etc/eks/release
jq -e .kind /etc/eks/kubelet-config.json
