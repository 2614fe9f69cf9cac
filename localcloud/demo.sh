#!/usr/bin/env bash
# `make demo`: the seed's track, offline. Bakes image v1, deploys it with
# Terraform, changes the web app (scripts/webapp.sh), bakes v2, shows the
# one-value tfvars diff, redeploys (the instance is replaced) and rolls back —
# against a local EC2 (moto) and a local sshd standing in for the build
# instance.
#
# Works on copies in a throwaway folder; the repository is never modified.
# KEEP=1 keeps that folder (and prints where it is) for a look afterwards.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

work=$(mktemp -d "${TMPDIR:-/tmp}/immutable-demo.XXXXXX")
cloud="$work/cloud"
project="$work/project"
started=$(date +%s)
finish() {
	local rc=$?
	"$here/down.sh" "$cloud" >/dev/null 2>&1 || true
	if [ "${KEEP:-}" = 1 ] || [ $rc -ne 0 ]; then echo "demo files kept in $work"; else rm -rf "$work"; fi
	[ $rc -eq 0 ] || echo "DEMO FAILED (exit $rc) at: ${current_step:-start}; logs in $work" >&2
}
trap finish EXIT

step_no=0
step_started=0
timings=()
bold='' plain=''
[ -t 1 ] && bold=$'\033[1m' plain=$'\033[0m'
end_step() {
	[ "$step_started" = 0 ] && return
	local took=$(($(date +%s) - step_started))
	printf '    (%ss)\n' "$took"
	timings+=("$(printf '%4ss  %d. %s' "$took" "$step_no" "$current_step")")
}
banner() {
	end_step
	step_no=$((step_no + 1))
	current_step=$*
	step_started=$(date +%s)
	printf '\n%s=== %d. %s%s\n' "$bold" "$step_no" "$*" "$plain"
}
show() { printf '$ %s\n' "$*"; "$@"; }
ec2() { "$here/ec2-show.py" "$@"; }
tfout() { terraform -chdir="$project/instances" output -raw "$1"; }

banner "Start the local cloud: EC2 API (moto) and a build instance (sshd in a throwaway Debian root)"
"$here/up.sh" "$cloud"
set -a
# shellcheck disable=SC1091
. "$cloud/cloud.env"
set +a

banner "Copy images/, instances/ and scripts/ into $project; generate the terraform user's key"
mkdir -p "$project/keys"
cp -r "$repo/images" "$repo/instances" "$repo/scripts" "$project/"
rm -rf "$project/instances/.terraform" "$project/instances/terraform.tfstate"*
ssh-keygen -q -t ed25519 -N '' -C terraform@demo -f "$project/keys/terraform"
show cat "$project/instances/terraform.tfvars"

banner "Install the plugin into an isolated PACKER_PLUGIN_PATH; packer init"
packer=$("$repo/tools/packer.sh")
# Built as a release (no -dev suffix) so that `packer init` finds it installed
# and satisfies required_plugins' ">= 0.1.0" instead of trying to download it.
plugin="$work/packer-plugin-immutable"
(cd "$repo" && go build -ldflags "-X $(go list -m)/version.VersionPrerelease=" -o "$plugin" .)
"$plugin" describe
export PACKER_PLUGIN_PATH="$work/packer-plugins"
"$packer" plugins install --path "$plugin" github.com/immutable-infrastructure/immutable
"$packer" init "$project/images/image.pkr.hcl"

bake() {
	local log="$work/bake-$1.log"
	(cd "$project" && "$packer" build -color=false \
		-var "ssh_host=$SSH_HOST" -var "ssh_port=$SSH_PORT" -var 'ssh_source_cidrs=["127.0.0.1/32"]' \
		images/image.pkr.hcl) 2>&1 | tee "$log"
	cp "$project/instances/terraform.tfvars" "$work/terraform.tfvars.$1"
}
apply() {
	terraform -chdir="$project/instances" apply -auto-approve -input=false -no-color >"$work/apply-$1.log" 2>&1 \
		|| { tail -n 30 "$work/apply-$1.log"; die "terraform apply failed (log above)"; }
	grep -E 'must be replaced|forces replacement|Creating\.\.\.|Destroying\.\.\.|Apply complete' "$work/apply-$1.log" || true
}

banner "Bake image v1: packer build images/image.pkr.hcl"
bake v1
ec2 images keypairs groups
show cat "$project/instances/terraform.tfvars"

banner "Deploy v1: terraform init && terraform apply"
terraform -chdir="$project/instances" init -input=false -no-color >"$work/init.log" 2>&1 \
	|| { cat "$work/init.log"; die "terraform init failed"; }
apply v1
v1_instance=$(tfout instance_id)
v1_ami=$(tfout ami_id)
echo "instance $v1_instance runs image $v1_ami"

banner "Change the image: bump APP_VERSION in scripts/webapp.sh"
sed -i 's/^APP_VERSION=1$/APP_VERSION=2/' "$project/scripts/webapp.sh"
grep -q '^APP_VERSION=2$' "$project/scripts/webapp.sh" || die "scripts/webapp.sh has no APP_VERSION=1 line to change"
diff -u "$repo/scripts/webapp.sh" "$project/scripts/webapp.sh" | sed "s|$work/||" || true

banner "Bake image v2 on a fresh build instance"
"$here/new-instance.sh" "$cloud" >/dev/null
# shellcheck disable=SC1091
. "$cloud/cloud.env"
bake v2
# The build instance is stopped and sealed (no host keys) now, like a real
# one; its disk is what the image holds.
disk=$INSTANCE_ROOT
version=$(cat "$disk/opt/webapp/VERSION") && [ "$version" = 2 ] \
	|| die "the v2 image's /opt/webapp/VERSION is '${version:-}', want 2"
keys=$(grep -cF "$(cut -d' ' -f2 "$project/keys/terraform.pub")" "$disk/home/terraform/.ssh/authorized_keys") \
	|| die "the v2 image's terraform user lacks keys/terraform.pub"
sudo=$(grep -rh '^terraform ' "$disk/etc/sudoers.d") || die "the v2 image has no sudoers entry for terraform"
echo "the v2 image's disk: app version $version; terraform user: $keys key from keys/terraform.pub; sudoers: $sudo"
ec2 images

banner "What changed in terraform.tfvars: one value"
diff -u "$work/terraform.tfvars.v1" "$work/terraform.tfvars.v2" | sed "s|$work/||" || true

banner "Redeploy: terraform apply replaces the instance (create before destroy)"
apply v2
v2_instance=$(tfout instance_id)
v2_ami=$(tfout ami_id)
echo "old: $v1_instance (image $v1_ami) is now $(ec2 state "$v1_instance")"
echo "new: $v2_instance (image $v2_ami) is $(ec2 state "$v2_instance")"
[ "$v1_instance" != "$v2_instance" ] || die "the instance was not replaced"

banner "Roll back to v1: packer-plugin-immutable rollback, then terraform apply"
if out=$("$plugin" rollback -file "$project/instances/terraform.tfvars" 2>&1); then
	echo "$out"
	diff -u "$work/terraform.tfvars.v2" "$project/instances/terraform.tfvars" | sed "s|$work/||" || true
	apply rollback
	echo "instance $(tfout instance_id) runs image $(tfout ami_id) again (v1 was $v1_ami)"
elif grep -q 'Unknown command' <<<"$out"; then
	echo "(this build of the plugin has no rollback subcommand yet; skipped)"
else
	echo "$out"
	die "rollback failed"
fi

banner "Nothing left behind by the builds"
ec2 instances keypairs groups

end_step
printf '\n%sdemo complete in %ss%s\n' "$bold" $(($(date +%s) - started)) "$plain"
printf '%s\n' "${timings[@]}"
