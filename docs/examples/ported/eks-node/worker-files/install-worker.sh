#!/usr/bin/env bash
# Installs the node's container runtime and kubelet (abridged).
set -euo pipefail
sudo dnf install -y containerd
sudo install -d /etc/eks
echo "kubernetes ${KUBERNETES_VERSION}" | sudo tee /etc/eks/release
