#!/usr/bin/env bash
# Checks the Terraform module in instances/ offline: fmt, init (providers
# from the local mirror), validate and `terraform test` with a mocked AWS
# provider. Works on a copy in a temp dir so the repo gets no .terraform.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/terraform-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export TF_CLI_CONFIG_FILE
TF_CLI_CONFIG_FILE=$("$root/tools/terraformrc.sh" "$work/terraformrc")

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }

step "terraform fmt -check -recursive instances/"
terraform fmt -check -recursive -diff "$root/instances" || fail "instances/ is not formatted: run terraform fmt -recursive instances/"

cp -r "$root/instances" "$work/instances"
rm -rf "$work/instances/.terraform" "$work/instances/terraform.tfstate"*
cd "$work/instances"

step "terraform init -backend=false (providers from the local mirror)"
terraform init -backend=false -input=false -no-color >"$work/init.log" 2>&1 \
	|| { cat "$work/init.log" >&2; fail "terraform init failed (log above)"; }

step "terraform validate"
terraform validate -no-color || fail "terraform validate failed"

step "terraform test (mock_provider aws, offline)"
terraform test -no-color || fail "terraform test failed"

printf '\nterraform-test: PASS\n'
