#!/usr/bin/env bash
# Writes a Terraform CLI config that installs hashicorp/* providers from this
# machine's local filesystem mirror (there is no registry access), and prints
# its path. Usage: tools/terraformrc.sh [OUTPUT_FILE]
set -euo pipefail
. "$(dirname "$0")/cache.sh"
out=${1:-$CACHE_DIR/terraformrc}
# find_provider ROOT...: the first AWS provider binary in a mirror layout.
# find's exit status is ignored: folders other processes delete mid-walk make
# it fail although it found what we need.
find_provider() {
	{ find "$@" -xdev -path '*/registry.terraform.io/hashicorp/aws/*' -name 'terraform-provider-aws_*' -type f 2>/dev/null || true; } | head -n 1
}
# The usual places first (fast), then the whole disk.
provider=$(find_provider /opt /usr/local/share /usr/share "$HOME/.terraform.d" "$HOME/.local/share")
[ -n "$provider" ] || provider=$(find_provider /)
[ -n "$provider" ] || { echo "no AWS provider in a local filesystem mirror (looked for registry.terraform.io/hashicorp/aws/*)" >&2; exit 1; }
mirror=${provider%%/registry.terraform.io/*}
cat >"$out" <<HCL
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
HCL
echo "$out"
