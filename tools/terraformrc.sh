#!/usr/bin/env bash
# Writes a Terraform CLI config that installs hashicorp/* providers from this
# machine's local filesystem mirror (there is no registry access), and prints
# its path. Usage: tools/terraformrc.sh [OUTPUT_FILE]
set -euo pipefail
. "$(dirname "$0")/cache.sh"
out=${1:-$CACHE_DIR/terraformrc}
provider=$(find / -xdev -path '*/registry.terraform.io/hashicorp/aws/*' -name 'terraform-provider-aws_*' -type f 2>/dev/null | head -n 1)
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
