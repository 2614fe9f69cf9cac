#!/usr/bin/env bash
# `make demo-lifecycle`: living with images, offline. A base image is baked
# and promoted through the label prod of SSM parameter /images/base; app
# images are baked on it (the immutable-tfvars data source reads the label)
# and deployed with Terraform; history shows the chain app -> base -> Ubuntu;
# each app build prunes behind itself, keeping every rollback target and
# every image an instance runs, and deleting the one nothing names; a
# rollback then restores a kept image. Against the local cloud
# (localcloud/up.sh), whose SSM Parameter Store is moto's.
#
# Works on copies in a throwaway folder; the repository is never modified.
# KEEP=1 keeps that folder and leaves the cloud running.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

. "$here/demo-lib.sh"
demo_workspace immutable-lifecycle

step_no=0
banner() {
	step_no=$((step_no + 1))
	current_step=$*
	printf '\n%s=== %d. %s%s  [%ss]\n' "$bold" "$step_no" "$*" "$plain" $(($(date +%s) - started))
}
show() { printf '$ %s\n' "$*"; "$@"; }
tfvar() { sed -n 's/^ami_id *= *"\(ami-[0-9a-f]*\)".*/\1/p' "$1"; }
tfout() { terraform -chdir="$project/instances" output -raw "$1"; }
expect() { grep -qF -- "$2" <<<"$1" || die "expected '$2' in the output above"; }

banner "Start the local cloud: moto's EC2 and SSM APIs, behind a daemon that boots every instance"
"$here/up.sh" "$cloud"
set -a
# shellcheck disable=SC1091
. "$cloud/cloud.env"
set +a

banner "Project: docs/examples/base.pkr.hcl and app.pkr.hcl in images/, instances/, scripts/; keys"
mkdir -p "$project/images" "$project/keys"
cp -r "$repo/instances" "$repo/scripts" "$project/"
cp "$repo/docs/examples/base.pkr.hcl" "$repo/docs/examples/app.pkr.hcl" "$project/images/"
rm -rf "$project/instances/.terraform" "$project/instances/terraform.tfstate"*
ssh-keygen -q -t ed25519 -N '' -C terraform@demo -f "$project/keys/terraform"
packer=$("$repo/tools/packer.sh")
plugin="$work/packer-plugin-immutable"
(cd "$repo" && go build -ldflags "-X $(go list -m)/version.VersionPrerelease=" -o "$plugin" .)
export PACKER_PLUGIN_PATH="$work/packer-plugins"
"$packer" plugins install --path "$plugin" github.com/immutable-infrastructure/immutable >/dev/null
immutable() { printf '$ packer-plugin-immutable %s\n' "$*"; "$plugin" "$@"; }

# bake TEMPLATE LOG [ARG...]: packer build from the project, as a user
# would, with ARGs (variables) added.
bake() {
	(cd "$project" && "$packer" build -color=false -var "ssh_port=${SSH_PORT:-22}" -var 'ssh_source_cidrs=["127.0.0.1/32"]' \
		"${@:3}" "images/$1") >"$work/$2.log" 2>&1 || { tail -n 40 "$work/$2.log"; die "packer build images/$1 failed (log above)"; }
	grep -E 'Source AMI|Lineage:|Published|Writing ami_id' "$work/$2.log" | sed 's/^/  /'
}
# bake_app LOG: the app template keeps images younger than an hour by
# default (a parallel build may still be writing one into its tfvars
# file); the demo's images are minutes old, so it prunes by count and
# references alone.
bake_app() { bake app.pkr.hcl "$1" -var prune_keep_within=0s; }
apply() {
	terraform -chdir="$project/instances" apply -auto-approve -input=false -no-color >"$work/apply-$1.log" 2>&1 \
		|| { tail -n 30 "$work/apply-$1.log"; die "terraform apply failed (log above)"; }
	grep -E 'must be replaced|Apply complete' "$work/apply-$1.log" || true
}
page() {
	local url="http://$(tfout public_ip):8080/" html
	html=$(curl -fsS --max-time 5 --retry 20 --retry-delay 1 --retry-all-errors "$url") || die "no answer from $url"
	printf '$ curl %s\n%s\n' "$url" "$(grep -o 'App version [0-9]*' <<<"$html")"
	grep -q "App version $1," <<<"$html" || die "$url shows no 'App version $1'"
}
# prune_of LOG: the prune each app build ran behind itself.
prune_of() { sed -n '/Pruning images of/,/^Build /p' "$work/$1.log" | grep -v '^Build ' | sed "s/^==> [^:]*: //; s|$work/||g"; }
set_version() { sed -i "s/^APP_VERSION=.*/APP_VERSION=$1/" "$project/scripts/webapp.sh"; }

banner "Bake the base image on Canonical's Ubuntu: packer build images/base.pkr.hcl"
bake base.pkr.hcl base
base=$(tfvar "$project/images/base.tfvars")
echo "base image: $base"

banner "Promote it through SSM: label prod of /images/base now names it"
immutable promote -ssm-parameter /images/base -to prod
out=$(immutable history -ssm-parameter /images/base) && echo "$out"
expect "$out" "prod"

banner "Bake app v1 on the base labelled prod (data \"immutable-tfvars\" reads the label)"
set_version 1
bake_app app-v1
web1=$(tfvar "$project/instances/terraform.tfvars")
grep -q "Source AMI: $base" "$work/app-v1.log" || die "app v1 was not built on the base image $base"

banner "Where app v1 came from: its lineage tags, app -> base -> Ubuntu"
out=$(immutable history -image "$web1") && echo "$out"
expect "$out" "└─ $base"
expect "$out" "not built by this plugin"

banner "Deploy app v1: terraform init && terraform apply"
terraform -chdir="$project/instances" init -input=false -no-color >"$work/init.log" 2>&1 || { cat "$work/init.log"; die "terraform init failed"; }
apply v1
page 1

banner "Bake app v2: it prunes behind itself, and keeps v1 (a rollback target, running)"
set_version 2
bake_app app-v2
web2=$(tfvar "$project/instances/terraform.tfvars")
out=$(prune_of app-v2) && echo "$out"
expect "$out" "Nothing to delete"
expect "$out" "rollback target"
expect "$out" "used by instance"

banner "Redeploy app v2"
apply v2
page 2

banner "Bake app v3: now v1 is named nowhere (history keeps two) and runs nowhere: pruned"
set_version 3
bake_app app-v3
out=$(prune_of app-v3) && echo "$out"
expect "$out" "Deregistered $web1"
expect "$out" "$web2"
immutable history -file "$project/instances/terraform.tfvars" | sed "s|$work/||g"

banner "Redeploy app v3"
apply v3
page 3

banner "Roll back to v2, which prune kept: packer-plugin-immutable rollback, terraform apply"
immutable rollback -file "$project/instances/terraform.tfvars" | sed "s|$work/||g"
apply rollback
page 2
[ "$(tfout ami_id)" = "$web2" ] || die "the instance does not run $web2"

banner "A prune by hand, dry run: what stays, and why"
immutable prune -keep 1 -keep-within 0 -regions "$AWS_REGION" -file "$project/instances/terraform.tfvars" \
	-file "$project/images/base.tfvars" -ssm-parameter /images/base | sed "s|$work/||g"

printf '\n%sdemo complete in %ss%s\n' "$bold" $(($(date +%s) - started)) "$plain"
