#!/usr/bin/env bash
# Renders docs/ into .web-docs/, the layout Packer's integration registry reads:
#   .web-docs/README.md                              <- docs/README.md
#   .web-docs/components/<type>/<slug>/README.md     <- docs/<types>/<slug>.mdx
#   .web-docs/metadata.hcl                           (hand-written, kept)
# `packer-sdc renderdocs` first replaces every @include '...' with its partial
# (docs-partials/, generated from the config structs by struct-markdown, or
# docs/examples/ through '../docs/examples/...'); this script then drops each
# page's front matter and H1 (the registry adds its own title) and checks that
# metadata.hcl declares every component page. Run from the repository root
# (`make generate` does); the output is deterministic, so `make check-generate`
# can compare it with what is committed.
set -euo pipefail
src=docs partials=docs-partials out=.web-docs

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go tool packer-sdc renderdocs -src "$src" -partials "$partials/" -dst "$work/rendered" 2>"$work/log" \
	|| { cat "$work/log" >&2; echo "packer-sdc renderdocs failed" >&2; exit 1; }

# component_type FOLDER: the registry's component type for a docs/ folder.
component_type() {
	case $1 in
	builders) echo builder ;;
	provisioners) echo provisioner ;;
	post-processors) echo post-processor ;;
	datasources) echo data-source ;;
	*) return 1 ;;
	esac
}

# strip_header FILE: the page without its leading front matter (--- ... ---),
# its first H1 line and the blank lines around them.
strip_header() {
	awk '
		NR == 1 && $0 == "---" { fm = 1; next }
		fm { if ($0 == "---") fm = 0; next }
		!body && /^[[:space:]]*$/ { next }
		!body && !h1 && /^# / { h1 = 1; next }
		{ body = 1; print }
	' "$1"
}

# declared TYPE SLUG: whether metadata.hcl has a component block with both.
declared() {
	awk -v t="$1" -v s="$2" '
		/component[[:space:]]*\{/ { type = ""; slug = "" }
		/^[[:space:]]*type[[:space:]]*=/ { type = $0; sub(/^[^"]*"/, "", type); sub(/".*/, "", type) }
		/^[[:space:]]*slug[[:space:]]*=/ { slug = $0; sub(/^[^"]*"/, "", slug); sub(/".*/, "", slug) }
		/\}/ && type == t && slug == s { found = 1 }
		END { exit !found }
	' "$out/metadata.hcl"
}

mkdir -p "$out"
rm -rf "$out/components"
cp "$work/rendered/README.md" "$out/README.md"
status=0
for page in "$work/rendered"/*/*.mdx; do
	folder=$(basename "$(dirname "$page")")
	slug=$(basename "$page" .mdx)
	type=$(component_type "$folder") || { echo "docs/$folder/$slug.mdx: docs/$folder is not a component folder (builders, provisioners, post-processors, datasources)" >&2; status=1; continue; }
	mkdir -p "$out/components/$type/$slug"
	strip_header "$page" >"$out/components/$type/$slug/README.md"
	if ! declared "$type" "$slug"; then
		echo "docs/$folder/$slug.mdx: add component { type = \"$type\" slug = \"$slug\" } to $out/metadata.hcl" >&2
		status=1
	fi
done
if grep -rn "@include '" "$out" --include=README.md >&2; then
	echo "unrendered @include left in $out (above)" >&2
	status=1
fi
exit $status
