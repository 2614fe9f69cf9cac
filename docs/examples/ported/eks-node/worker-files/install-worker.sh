#!/usr/bin/env bash
# Installs the node's tools and records the release (abridged from an EKS
# worker install script). Works on dnf (Amazon Linux) and apt images.
set -euo pipefail
if command -v dnf >/dev/null; then
	sudo dnf install -y jq curl
else
	sudo apt-get update -q
	sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq curl
fi
sudo install -d /etc/eks
sudo cp "$WORKING_DIR/kubelet-config.json" /etc/eks/kubelet-config.json
echo "kubernetes ${KUBERNETES_VERSION}" | sudo tee /etc/eks/release
jq -e .kind /etc/eks/kubelet-config.json
