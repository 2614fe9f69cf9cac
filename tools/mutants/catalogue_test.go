package main

import (
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const repo = "../.."

var (
	breakName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	areas     = []string{"builder", "provisioner", "post-processor", "tfvarsfile", "command",
		"ec2wait", "awsid", "awsaccess", "logsecret", "localcloud", "instances", "prune", "ssmchannel", "datasource", "scripts", "docs"}
)

// TestCatalogueIsWellFormed: every break has a unique name, a known area, a
// promise, edits of files that exist which change something, and at least
// one test.
func TestCatalogueIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, b := range catalogue() {
		if !breakName.MatchString(b.Name) || seen[b.Name] {
			t.Errorf("break %q: the name must be unique, lower-case words joined by -", b.Name)
		}
		seen[b.Name] = true
		if !slices.Contains(areas, b.Area) {
			t.Errorf("break %s: area %q is none of %v", b.Name, b.Area, areas)
		}
		if len(strings.Fields(b.Promise)) < 4 {
			t.Errorf("break %s: say which promise it breaks", b.Name)
		}
		if len(b.Edits) == 0 || len(b.Tests) == 0 {
			t.Errorf("break %s: needs at least one edit and one test", b.Name)
		}
		for _, e := range b.Edits {
			if _, err := os.Stat(filepath.Join(repo, filepath.FromSlash(e.File))); err != nil {
				t.Errorf("break %s: %v", b.Name, err)
			}
			if strings.Join(strings.Fields(e.Find), " ") == strings.Join(strings.Fields(e.Replace), " ") {
				t.Errorf("break %s: the edit of %s changes nothing", b.Name, e.File)
			}
		}
	}
	if len(seen) < 40 {
		t.Errorf("the catalogue holds %d breaks; it was built with more than 40", len(seen))
	}
}

// TestEveryBreakNamesTestsThatExist: each named Go test is a Test function
// of its package in the named tier (acc tests in files with the acc build
// tag, quick ones in files without), each terraform run block is in
// instances/tests, each make target in the GNUmakefile.
func TestEveryBreakNamesTestsThatExist(t *testing.T) {
	tests := goTests(t)
	runs := terraformRuns(t)
	makefile, err := os.ReadFile(filepath.Join(repo, "GNUmakefile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range catalogue() {
		for _, x := range b.Tests {
			switch x.Tier {
			case TierQuick, TierAcc:
				if tier, ok := tests[x.Pkg+" "+x.Name]; !ok || tier != x.Tier {
					t.Errorf("break %s names %s (%s tier), which is not a test of that package and tier (found: %q)", b.Name, x, x.Tier, tier)
				}
			case TierTerraform:
				if x.Pkg != "instances" || !runs[x.Name] {
					t.Errorf("break %s names %s, which is not a run block of instances/tests", b.Name, x)
				}
			case TierMake:
				if x.Pkg != "." || !regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(x.Name)+`:`).Match(makefile) {
					t.Errorf("break %s names %s, which is not a target of the GNUmakefile", b.Name, x)
				}
			default:
				t.Errorf("break %s: test %s has no known tier", b.Name, x)
			}
		}
	}
}

// goTests maps "pkg TestX" to the tier of the file that holds it, for every
// package folder the catalogue names.
func goTests(t *testing.T) map[string]Tier {
	t.Helper()
	out := map[string]Tier{}
	dirs := map[string]bool{}
	for _, b := range catalogue() {
		for _, x := range b.Tests {
			dirs[x.Pkg] = x.Tier == TierQuick || x.Tier == TierAcc
		}
	}
	for dir, isGo := range dirs {
		files, _ := filepath.Glob(filepath.Join(repo, dir, "*_test.go"))
		if isGo && len(files) == 0 {
			t.Errorf("no test files in %s", dir)
		}
		for _, f := range files {
			tier, names := testFuncs(t, f)
			for _, n := range names {
				out[dir+" "+n] = tier
			}
		}
	}
	return out
}

// testFuncs returns the tier of a test file and its Test functions.
func testFuncs(t *testing.T, path string) (Tier, []string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	tier := TierQuick
	for _, g := range f.Comments {
		for _, c := range g.List {
			if expr, err := constraint.Parse(c.Text); err == nil && expr.Eval(func(tag string) bool { return tag == "acc" }) &&
				!expr.Eval(func(string) bool { return false }) {
				tier = TierAcc
			}
		}
	}
	var names []string
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") &&
			fn.Type.Params.NumFields() == 1 && fn.Name.Name != "TestMain" {
			names = append(names, fn.Name.Name)
		}
	}
	return tier, names
}

// terraformRuns lists the run blocks of instances/tests.
func terraformRuns(t *testing.T) map[string]bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(repo, "instances", "tests", "*.tftest.hcl"))
	runs := map[string]bool{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`(?m)^run "([^"]+)"`).FindAllSubmatch(src, -1) {
			runs[string(m[1])] = true
		}
	}
	return runs
}
