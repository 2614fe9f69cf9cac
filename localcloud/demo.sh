#!/usr/bin/env bash
# `make demo`: the seed's track, offline. Bakes image v1, deploys it with
# Terraform and shows its web page, changes the web app (scripts/webapp.sh),
# bakes v2, shows the one-value tfvars diff, redeploys (watching the new
# instance answer before the old one goes) and rolls back — against the
# local cloud (localcloud/up.sh): moto's EC2 API, with every instance booted
# for real and reachable on loopback through its security groups.
#
# Works on copies in a throwaway folder; the repository is never modified.
# KEEP=1 keeps that folder and leaves the cloud running, with the URL of the
# deployed web app and the command that stops the cloud.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

. "$here/demo-lib.sh"
demo_workspace immutable-demo

step_no=0
step_started=0
timings=()
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

banner "Start the local cloud: EC2 API (moto) behind a daemon that boots every instance for real"
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

# The builder dials the build instance's own (loopback) address, as on
# AWS: no ssh_host. Its temporary security group admits this machine,
# which reaches loopback addresses from 127.0.0.1.
bake() {
	local log="$work/bake-$1.log" port=()
	[ -z "${SSH_PORT:-}" ] || port=(-var "ssh_port=$SSH_PORT")
	(cd "$project" && "$packer" build -color=false "${port[@]}" -var 'ssh_source_cidrs=["127.0.0.1/32"]' \
		images/image.pkr.hcl) 2>&1 | tee "$log"
	cp "$project/instances/terraform.tfvars" "$work/terraform.tfvars.$1"
}
apply() {
	terraform -chdir="$project/instances" apply -auto-approve -input=false -no-color >"$work/apply-$1.log" 2>&1 \
		|| { tail -n 30 "$work/apply-$1.log"; die "terraform apply failed (log above)"; }
	grep -E 'must be replaced|forces replacement|Creating\.\.\.|Destroying\.\.\.|Apply complete' "$work/apply-$1.log" || true
}
# page VERSION: fetches the web app of the instance Terraform reports,
# prints it, and fails unless it shows that app version.
page() {
	local url="http://$(tfout public_ip):8080/" html
	html=$(curl -fsS --max-time 5 --retry 10 --retry-delay 1 --retry-all-errors "$url") || die "no answer from $url"
	printf '$ curl %s\n%s\n' "$url" "$html"
	grep -q "App version $1," <<<"$html" || die "$url shows no 'App version $1'"
}
# redeploy LOG: terraform apply while watching the old instance's and the
# new one's web app; fails unless the new one answered first.
redeploy() {
	local old watch
	old=$(tfout instance_id)
	"$cloud/localcloud" watch -endpoint "$AWS_ENDPOINT_URL" -old "$old" -port 8080 >"$work/watch-$1.log" 2>&1 &
	watch=$!
	apply "$1"
	echo "while terraform applied, the old and the new instance's web app:"
	wait "$watch" && sed 's/^/  /' "$work/watch-$1.log" \
		|| { sed 's/^/  /' "$work/watch-$1.log"; die "the replacement did not create before destroy"; }
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
echo "instance $v1_instance runs image $v1_ami; its web app:"
page 1

banner "Change the image: bump APP_VERSION in scripts/webapp.sh"
sed -i 's/^APP_VERSION=1$/APP_VERSION=2/' "$project/scripts/webapp.sh"
grep -q '^APP_VERSION=2$' "$project/scripts/webapp.sh" || die "scripts/webapp.sh has no APP_VERSION=1 line to change"
diff -u "$repo/scripts/webapp.sh" "$project/scripts/webapp.sh" | sed "s|$work/||" || true

banner "Bake image v2 (a new build instance, from the same Ubuntu image)"
bake v2
ec2 images

banner "What changed in terraform.tfvars: one value"
diff -u "$work/terraform.tfvars.v1" "$work/terraform.tfvars.v2" | sed "s|$work/||" || true

banner "Redeploy: terraform apply replaces the instance (create before destroy)"
redeploy v2
v2_instance=$(tfout instance_id)
v2_ami=$(tfout ami_id)
echo "old: $v1_instance (image $v1_ami) is now $(ec2 state "$v1_instance")"
echo "new: $v2_instance (image $v2_ami) is $(ec2 state "$v2_instance"); its web app:"
[ "$v1_instance" != "$v2_instance" ] || die "the instance was not replaced"
page 2
# What the image promises its users: the terraform user logs in with
# keys/terraform and has passwordless sudo.
ssh_v2=(ssh -i "$project/keys/terraform" -p "${SSH_PORT:-22}" -o BatchMode=yes -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "terraform@$(tfout public_ip)")
show "${ssh_v2[@]}" 'sudo -n true && echo "terraform@$(hostname): passwordless sudo works; app version $(cat /opt/webapp/VERSION)"' \
	|| die "the v2 instance does not let terraform in with keys/terraform and sudo"

banner "Roll back to v1: packer-plugin-immutable rollback, then terraform apply"
"$plugin" rollback -file "$project/instances/terraform.tfvars" || die "rollback failed"
diff -u "$work/terraform.tfvars.v2" "$project/instances/terraform.tfvars" | sed "s|$work/||" || true
redeploy rollback
echo "instance $(tfout instance_id) runs image $(tfout ami_id) again (v1 was $v1_ami); its web app:"
page 1

banner "Nothing left behind by the builds"
ec2 instances keypairs groups
sg=$(terraform -chdir="$project/instances" state show -no-color aws_security_group.sg_22 | sed -n 's/^ *id *= *"\(.*\)"$/\1/p')
echo "$sg (sg_22) is the instances/ module's own group (aws_security_group.sg_22), used by its instance; no build left one"

end_step
printf '\n%sdemo complete in %ss%s\n' "$bold" $(($(date +%s) - started)) "$plain"
printf '%s\n' "${timings[@]}"
if [ "${KEEP:-}" = 1 ]; then
	printf '\n%sopen the web app of %s in a browser: http://%s:8080/%s\n' "$bold" "$(tfout instance_id)" "$(tfout public_ip)" "$plain"
fi
