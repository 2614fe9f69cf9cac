package ebsoptions

import (
	"maps"
	"slices"
	"sort"

	"github.com/hashicorp/hcl/v2/hcldec"
)

// Kind is how an option is written in a source block.
type Kind string

const (
	// Attr is an attribute: `name = value`.
	Attr Kind = "attribute"
	// Block is a nested block that may appear once: `name { ... }`.
	Block Kind = "block"
	// BlockList is a nested block that may repeat.
	BlockList Kind = "repeatable block"
)

// Option is one attribute or block of a builder's configuration. Path joins
// the names from the top of the source block with dots:
// `assume_role.role_arn`, `launch_block_device_mappings.volume_size`.
type Option struct {
	Path string
	Kind Kind
	// Type is the attribute's cty type as written in the spec ("string",
	// "list of string" …); empty for blocks.
	Type string
}

// FromSpec lists every option spec accepts, nested blocks' attributes
// included, sorted by path.
func FromSpec(spec hcldec.ObjectSpec) []Option {
	var out []Option
	walkSpec("", spec, &out)
	sortOptions(out)
	return out
}

func walkSpec(prefix string, spec hcldec.ObjectSpec, out *[]Option) {
	for _, name := range slices.Sorted(maps.Keys(spec)) {
		path := prefix + name
		switch s := spec[name].(type) {
		case *hcldec.AttrSpec:
			*out = append(*out, Option{Path: path, Kind: Attr, Type: s.Type.FriendlyName()})
		case *hcldec.BlockSpec:
			*out = append(*out, Option{Path: path, Kind: Block})
			walkNested(path, s.Nested, out)
		case *hcldec.BlockListSpec:
			*out = append(*out, Option{Path: path, Kind: BlockList})
			walkNested(path, s.Nested, out)
		default:
			*out = append(*out, Option{Path: path, Kind: Attr})
		}
	}
}

func walkNested(path string, nested hcldec.Spec, out *[]Option) {
	if obj, ok := nested.(hcldec.ObjectSpec); ok {
		walkSpec(path+".", obj, out)
	}
}

func sortOptions(opts []Option) {
	sort.Slice(opts, func(i, j int) bool { return opts[i].Path < opts[j].Path })
}

// Paths returns the options' paths as a set.
func Paths(opts []Option) map[string]Option {
	m := make(map[string]Option, len(opts))
	for _, o := range opts {
		m[o.Path] = o
	}
	return m
}
