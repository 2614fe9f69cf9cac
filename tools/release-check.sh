#!/usr/bin/env bash
# Checks that a release made from this tree works the way Packer installs it.
# Run by `make release-check` (after `make build`); offline, host platform only:
#  1. `goreleaser check` accepts .goreleaser.yml;
#  2. a snapshot release (the same config, limited to this machine's OS/arch,
#     signed with a throwaway GPG key) produces the file names `packer init`
#     looks for, a zip holding the binary and LICENSE, and a verifiable
#     SHA256SUMS;
#  3. the released binary describes itself (version, API, components) and
#     passes `packer-sdc plugin-check`;
#  4. `packer plugins install --path` accepts it, and `packer init` plus
#     `packer validate` succeed on images/image.pkr.hcl and on every template
#     in docs/examples, with every download attempt failing (dead proxy).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
SOURCE=github.com/immutable-infrastructure/immutable
NAME=packer-plugin-immutable
started=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/release-check.XXXXXX")
# The throwaway GPG home's agent is stopped before its folder is removed.
cleanup() {
	[ -d "$tmp/gnupg" ] && GNUPGHOME=$tmp/gnupg gpgconf --kill gpg-agent 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

step() { printf '==> %s\n' "$*"; }
ok() { printf '    ok: %s\n' "$*"; }
die() { printf 'release-check FAILED: %s\n' "$*" >&2; exit 1; }
# run LOG CMD...: runs CMD with its output in LOG, shown only when it fails.
run() {
	local log=$1; shift
	local code=0
	"$@" >"$log" 2>&1 || code=$?
	[ "$code" = 0 ] || { tail -n 40 "$log" >&2; die "$* (exit $code, last lines above)"; }
}
# describe BINARY FIELD: one field of the plugin's `describe` JSON, lists
# joined with commas.
describe() {
	"$1" describe | python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(",".join(v) if isinstance(v, list) else v)' "$2"
}

[ -x "./$NAME" ] || die "./$NAME is missing: run make build first"
goreleaser=$(tools/goreleaser.sh)
packer=$(tools/packer.sh)
api=$(describe "./$NAME" api_version)
dev_version=$(describe "./$NAME" version)
version=${dev_version%%-*}
os=$(go env GOOS) arch=$(go env GOARCH) exe=
[ "$os" = windows ] && exe=.exe
artifact=${NAME}_v${version}_${api}_${os}_${arch}
sums=${NAME}_v${version}_SHA256SUMS

step "goreleaser check"
run "$tmp/check.log" "$goreleaser" check
ok ".goreleaser.yml is valid"

step "snapshot release of v$version for $os/$arch (API $api), signed with a throwaway key"
# The same configuration with the targets narrowed to this machine and dist
# in the temp folder (JSON is YAML, so GoReleaser reads it as is).
python3 - "$tmp" "$os" "$arch" >"$tmp/goreleaser.json" <<'PY' || die "could not rewrite .goreleaser.yml (python3 with PyYAML needed)"
import json, sys, yaml
tmp, goos, goarch = sys.argv[1:]
cfg = yaml.safe_load(open(".goreleaser.yml"))
cfg["dist"] = tmp + "/dist"
for build in cfg["builds"]:
    build.update(goos=[goos], goarch=[goarch], ignore=[])
json.dump(cfg, sys.stdout)
PY
export GNUPGHOME=$tmp/gnupg
mkdir -m 700 "$GNUPGHOME"
run "$tmp/gpg.log" gpg --batch --passphrase '' --quick-gen-key 'release-check <release-check@invalid>' ed25519 sign never
fingerprint=$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
release_started=$(date +%s)
# GOPROXY=off: the release (before-hook included) must build from the module cache.
run "$tmp/release.log" env GOPROXY=off API_VERSION="$api" PLUGIN_VERSION="$version" GPG_FINGERPRINT="$fingerprint" \
	"$goreleaser" release --snapshot --clean --config "$tmp/goreleaser.json"
dist=$tmp/dist
ok "built, archived, summed and signed in $(( $(date +%s) - release_started ))s"

step "release files are named the way packer init expects"
[ -f "$dist/$artifact.zip" ] || die "expected $artifact.zip in dist, found: $(cd "$dist" && ls)"
zipped=$(unzip -Z1 "$dist/$artifact.zip" | sort | tr '\n' ' ')
want=$(printf '%s\n' LICENSE "$artifact$exe" | sort | tr '\n' ' ')
[ "$zipped" = "$want" ] || die "$artifact.zip must hold exactly $want, it holds: $zipped"
cmp -s <(unzip -p "$dist/$artifact.zip" LICENSE) LICENSE || die "$artifact.zip's LICENSE differs from the repository's"
ok "$artifact.zip holds exactly $want(the licence unchanged)"
[ -f "$dist/$sums" ] || die "expected checksum file $sums in dist"
[ "$(cat "$dist/$sums")" = "$(cd "$dist" && sha256sum "$artifact.zip")" ] \
	|| die "$sums does not list exactly the sha256 of $artifact.zip: $(cat "$dist/$sums")"
ok "$sums lists the zip's sha256"
run "$tmp/verify.log" gpg --batch --verify "$dist/$sums.sig" "$dist/$sums"
ok "$sums.sig verifies"
binary=$(find "$dist" -type f -name "$artifact$exe" | head -n 1)
[ -n "$binary" ] || die "no built binary $artifact$exe under dist"

step "the released binary describes itself"
got=$(describe "$binary" version)
[ "$got" = "$version" ] || die "describe reports version $got, want $version (ldflags -X on version.Version)"
[ "$(describe "$binary" api_version)" = "$api" ] || die "describe reports another API version than $api"
[ "$(describe "$binary" builders)" = ami ] || die "describe builders: $(describe "$binary" builders), want ami"
[ "$(describe "$binary" provisioners)" = setup ] || die "describe provisioners: $(describe "$binary" provisioners), want setup"
[ "$(describe "$binary" post_processors)" = tfvars ] || die "describe post_processors: $(describe "$binary" post_processors), want tfvars"
ok "version $version, API $api, builder ami, provisioner setup, post-processor tfvars"
sdc=$(go tool -n packer-sdc)
# plugin-check insists that its argument itself starts with packer-plugin-.
(cd "$(dirname "$binary")" && run "$tmp/plugin-check.log" "$sdc" plugin-check "$(basename "$binary")")
ok "packer-sdc plugin-check passes"

step "packer plugins install --path, then init and validate offline"
export PACKER_PLUGIN_PATH=$tmp/plugins PACKER_CONFIG_DIR=$tmp/packer-config
run "$tmp/install.log" "$packer" plugins install --path "$binary" "$SOURCE"
# The amazon-ebs example needs HashiCorp's Amazon plugin: a release build
# from the Go module proxy, cached (the tfvars end-to-end test uses the same).
. tools/cache.sh
amazon=$CACHE_DIR/bin/packer-plugin-amazon-1.2.1
[ -x "$amazon" ] || build_go_module github.com/hashicorp/packer-plugin-amazon v1.2.1 "$amazon"
run "$tmp/install-amazon.log" "$packer" plugins install --path "$amazon" github.com/hashicorp/amazon
installed=$PACKER_PLUGIN_PATH/$SOURCE/$artifact$exe
[ -x "$installed" ] || die "packer installed no $installed: $(find "$PACKER_PLUGIN_PATH" -type f)"
ok "installed as $SOURCE v$version (and github.com/hashicorp/amazon v1.2.1)"
# Templates are validated in a copy of the layout they are written for:
# images/ beside instances/ and scripts/, and the key a user generates.
project=$tmp/project
mkdir -p "$project/images" "$project/instances" "$project/keys"
cp -R scripts "$project/scripts"
cp instances/*.tf instances/*.tfvars "$project/instances/"
ssh-keygen -q -t ed25519 -N '' -C release-check -f "$project/keys/terraform"
# Any download attempt now fails at once instead of reaching the network.
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=
# validate_template FILE: init and validate FILE from images/, as a user would.
validate_template() {
	local name
	name=$(basename "$1")
	cp "$1" "$project/images/$name"
	(cd "$project/images" && run "$tmp/init.log" "$packer" init "$name")
	if grep -q "Installed plugin" "$tmp/init.log"; then
		die "packer init downloaded a plugin for $1 instead of using the installed one: $(cat "$tmp/init.log")"
	fi
	(cd "$project/images" && run "$tmp/validate.log" "$packer" validate "$name")
	rm "$project/images/$name"
	ok "$1"
}
validate_template images/image.pkr.hcl
for example in docs/examples/*.pkr.hcl; do
	include="@include '../docs/examples/$(basename "$example")'"
	grep -rqF "$include" docs || die "$example is shown on no docs page: add $include to one"
	validate_template "$example"
done

echo "release-check passed in $(( $(date +%s) - started ))s"
