package ebsoptions

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"

	"github.com/zclconf/go-cty/cty"
)

// pkg parses (once) the generated spec files of the package in dir.
func (r *sourceReader) pkg(dir string) (*sourcePkg, error) {
	if p, ok := r.pkgs[dir]; ok {
		return p, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.hcl2spec.go"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no *.hcl2spec.go files in %s: %v", dir, err)
	}
	p := &sourcePkg{specs: map[string]*ast.CompositeLit{}, imports: map[string]string{}}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			return nil, err
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			alias := filepath.Base(path)
			if imp.Name != nil {
				alias = imp.Name.Name
			}
			p.imports[alias] = path
		}
		collectSpecs(f, p.specs)
	}
	r.pkgs[dir] = p
	return p, nil
}

// collectSpecs finds `func (*FlatX) HCL2Spec() map[string]hcldec.Spec` and
// the map literal it returns.
func collectSpecs(f *ast.File, specs map[string]*ast.CompositeLit) {
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "HCL2Spec" || fn.Recv == nil || len(fn.Recv.List) != 1 {
			continue
		}
		star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
		if !ok {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if lit, ok := n.(*ast.CompositeLit); ok {
				if _, isMap := lit.Type.(*ast.MapType); isMap {
					specs[star.X.(*ast.Ident).Name] = lit
					return false
				}
			}
			return true
		})
	}
}

func unaddr(e ast.Expr) ast.Expr {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		return u.X
	}
	return e
}

// ctyName turns a spec's Type expression (cty.String, cty.List(cty.Number) …)
// into the cty type's friendly name, as FromSpec reports it.
func ctyName(e ast.Expr) string {
	t, ok := ctyType(e)
	if !ok {
		return ""
	}
	return t.FriendlyName()
}

func ctyType(e ast.Expr) (cty.Type, bool) {
	switch x := e.(type) {
	case *ast.SelectorExpr:
		switch x.Sel.Name {
		case "String":
			return cty.String, true
		case "Number":
			return cty.Number, true
		case "Bool":
			return cty.Bool, true
		}
	case *ast.CallExpr:
		inner, ok := ctyType(x.Args[0])
		if !ok {
			return cty.NilType, false
		}
		switch x.Fun.(*ast.SelectorExpr).Sel.Name {
		case "List":
			return cty.List(inner), true
		case "Map":
			return cty.Map(inner), true
		case "Set":
			return cty.Set(inner), true
		}
	}
	return cty.NilType, false
}
