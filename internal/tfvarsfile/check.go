package tfvarsfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
)

// Check reports, without writing, whether variable (and mapVariable, when
// set) could be written to the tfvars file at path: its folder exists and,
// if the file exists, it parses and holds no attribute of the wrong kind.
func Check(path, variable, mapVariable string) error {
	path, err := resolve(path)
	if err != nil {
		return err
	}
	src, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	probe := Entry{Variable: variable, Value: "ami-00000000", MapVariable: mapVariable}
	_, _, err = Set(src, path, edits(probe)...)
	return err
}

var (
	stringTypes = []cty.Type{cty.String, cty.DynamicPseudoType}
	mapTypes    = []cty.Type{cty.Map(cty.String), cty.Map(cty.DynamicPseudoType), cty.DynamicPseudoType}
)

// CheckDeclared reports whether the Terraform module in dir declares
// variable name with a type that accepts a string (or, with wantMap, a map
// of strings): absent, any, string, map(string) or map(any). Terraform only
// warns about an undeclared tfvars key, so a typo would silently mean "no
// redeploy"; the error lists the declared variables.
func CheckDeclared(dir, name string, wantMap bool) error {
	types, err := declaredVariables(dir)
	if err != nil {
		return err
	}
	expr, ok := types[name]
	if !ok {
		names := make([]string, 0, len(types))
		for n := range types {
			names = append(names, n)
		}
		slices.Sort(names)
		return fmt.Errorf("the module in %s declares no variable %q (it declares: %s): fix the name or add variable %q to the module",
			dir, name, strings.Join(names, ", "), name)
	}
	ty, err := variableType(name, expr)
	if err != nil {
		return err
	}
	want, kind := stringTypes, "string"
	if wantMap {
		want, kind = mapTypes, "map(string)"
	}
	if !slices.ContainsFunc(want, ty.Equals) {
		return fmt.Errorf("variable %q in %s has type %s, but an image ID needs %s: change its type to %s",
			name, dir, ty.FriendlyNameForConstraint(), kind, kind)
	}
	return nil
}

// declaredVariables parses dir/*.tf and returns each variable's type
// expression (nil when it has none).
func declaredVariables(dir string) (map[string]hcl.Expression, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no Terraform files (*.tf) in module folder %s: fix module_dir", dir)
	}
	fileSchema := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "variable", LabelNames: []string{"name"}}}}
	varSchema := &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "type"}}}
	parser, types := hclparse.NewParser(), map[string]hcl.Expression{}
	for _, file := range files {
		f, diags := parser.ParseHCLFile(file)
		if diags.HasErrors() {
			return nil, fmt.Errorf("parsing the module file %s: %s", file, diags.Error())
		}
		content, _, _ := f.Body.PartialContent(fileSchema)
		for _, b := range content.Blocks {
			v, _, _ := b.Body.PartialContent(varSchema)
			types[b.Labels[0]] = nil
			if a, ok := v.Attributes["type"]; ok {
				types[b.Labels[0]] = a.Expr
			}
		}
	}
	return types, nil
}

// variableType evaluates a type constraint (any when there is none).
func variableType(name string, expr hcl.Expression) (cty.Type, error) {
	if expr == nil {
		return cty.DynamicPseudoType, nil
	}
	ty, _, diags := typeexpr.TypeConstraintWithDefaults(expr)
	if diags.HasErrors() {
		return cty.NilType, fmt.Errorf("type of variable %q at %s: %s", name, expr.Range(), diags.Error())
	}
	return ty, nil
}
