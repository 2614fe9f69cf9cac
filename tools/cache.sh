# Sourced by the tools/*.sh scripts: where built tools are cached.
# Override with IMMUTABLE_CACHE; the default survives fresh clones.
CACHE_DIR=${IMMUTABLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/packer-plugin-immutable}
mkdir -p "$CACHE_DIR/bin"

# build_go_module MODULE VERSION OUTPUT [PKG]: builds a module's main package
# from its module directory (go install refuses modules with replace lines).
build_go_module() {
	local module=$1 version=$2 out=$3 pkg=${4:-.} dir
	dir=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -n "$dir" ] || { echo "could not download $module@$version from the Go module proxy" >&2; return 1; }
	echo "building $module@$version into $out (once; cached)" >&2
	(cd "$dir" && CGO_ENABLED=0 go build -trimpath -o "$out.tmp" "$pkg") && mv "$out.tmp" "$out"
}
