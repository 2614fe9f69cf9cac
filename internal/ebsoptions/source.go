package ebsoptions

import (
	"fmt"
	"go/ast"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
)

// sdkSpecs are the Packer SDK's nested types amazon-ebs uses (tag and filter
// blocks). They come from the SDK this module builds with: their spelling
// (key/value, name/value) has not changed across SDK versions.
var sdkSpecs = map[string]hcldec.ObjectSpec{
	"FlatKeyValue":  (*config.FlatKeyValue)(nil).HCL2Spec(),
	"FlatNameValue": (*config.FlatNameValue)(nil).HCL2Spec(),
}

const sdkConfigImport = "github.com/hashicorp/packer-plugin-sdk/template/config"

// FromSource lists the options of amazon-ebs's generated spec: the
// FlatConfig of builder/ebs/builder.hcl2spec.go under moduleDir (the
// packer-plugin-amazon module's root) and every Flat type it nests, read
// from the module's own *.hcl2spec.go files. modulePath is the module's
// import path, used to find the packages nested types live in.
func FromSource(moduleDir, modulePath string) ([]Option, error) {
	r := &sourceReader{moduleDir: moduleDir, modulePath: modulePath, pkgs: map[string]*sourcePkg{}}
	var out []Option
	if err := r.walk("", filepath.Join(moduleDir, "builder", "ebs"), "FlatConfig", &out); err != nil {
		return nil, err
	}
	sortOptions(out)
	return out, nil
}

type sourceReader struct {
	moduleDir, modulePath string
	pkgs                  map[string]*sourcePkg
}

// sourcePkg is one package's generated specs: Flat type name to its spec
// literal, and the file's imports (name to path) for qualified types.
type sourcePkg struct {
	specs   map[string]*ast.CompositeLit
	imports map[string]string
}

// walk appends the options of Flat type typ of the package in dir.
func (r *sourceReader) walk(prefix, dir, typ string, out *[]Option) error {
	pkg, err := r.pkg(dir)
	if err != nil {
		return err
	}
	lit, ok := pkg.specs[typ]
	if !ok {
		return fmt.Errorf("%s: no HCL2Spec of %s", dir, typ)
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		name, err := strconv.Unquote(kv.Key.(*ast.BasicLit).Value)
		if err != nil {
			return err
		}
		if err := r.entry(prefix+name, dir, pkg, kv.Value, out); err != nil {
			return err
		}
	}
	return nil
}

// entry appends one spec map entry: `&hcldec.AttrSpec{…}`,
// `&hcldec.BlockSpec{…}` or `&hcldec.BlockListSpec{…}`.
func (r *sourceReader) entry(path, dir string, pkg *sourcePkg, v ast.Expr, out *[]Option) error {
	lit, ok := unaddr(v).(*ast.CompositeLit)
	if !ok {
		return fmt.Errorf("%s: spec of %s is not a composite literal", dir, path)
	}
	fields := map[string]ast.Expr{}
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			fields[kv.Key.(*ast.Ident).Name] = kv.Value
		}
	}
	switch kind := lit.Type.(*ast.SelectorExpr).Sel.Name; kind {
	case "AttrSpec":
		*out = append(*out, Option{Path: path, Kind: Attr, Type: ctyName(fields["Type"])})
		return nil
	case "BlockSpec", "BlockListSpec":
		k := Block
		if kind == "BlockListSpec" {
			k = BlockList
		}
		*out = append(*out, Option{Path: path, Kind: k})
		return r.nested(path, dir, pkg, fields["Nested"], out)
	default:
		return fmt.Errorf("%s: %s has spec kind %s, which this reader does not know", dir, path, kind)
	}
}

// nested follows `hcldec.ObjectSpec((*pkg.FlatX)(nil).HCL2Spec())`.
func (r *sourceReader) nested(path, dir string, pkg *sourcePkg, e ast.Expr, out *[]Option) error {
	var qual, typ string
	ast.Inspect(e, func(n ast.Node) bool {
		star, ok := n.(*ast.StarExpr)
		if !ok {
			return true
		}
		switch t := star.X.(type) {
		case *ast.Ident:
			typ = t.Name
		case *ast.SelectorExpr:
			qual, typ = t.X.(*ast.Ident).Name, t.Sel.Name
		}
		return false
	})
	if typ == "" {
		return fmt.Errorf("%s: cannot read the nested type of %s", dir, path)
	}
	if qual == "" {
		return r.walk(path+".", dir, typ, out)
	}
	imp := pkg.imports[qual]
	switch {
	case imp == sdkConfigImport && sdkSpecs[typ] != nil:
		walkSpec(path+".", sdkSpecs[typ], out)
		return nil
	case strings.HasPrefix(imp, r.modulePath+"/"):
		return r.walk(path+".", filepath.Join(r.moduleDir, strings.TrimPrefix(imp, r.modulePath+"/")), typ, out)
	}
	return fmt.Errorf("%s: %s nests %s.%s from %q, which this reader does not know", dir, path, qual, typ, imp)
}
