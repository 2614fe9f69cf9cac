// Command mutants breaks the project's promises on purpose, one at a time,
// and reports which breaks the test suite lets through. Each break in the
// catalogue (catalogue_*.go) is a small named edit of the code, the
// promise it breaks and the tests expected to catch it. For each, the
// runner copies the repository into a work folder, applies the edit, runs
// only those tests and reports KILLED (a test failed), SURVIVED (all passed:
// a gap in the suite) or STALE (the edit's anchor no longer matches the
// code: the catalogue needs updating). See docs/mutation-testing.md.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Break is one deliberate, reviewable break of a promise.
type Break struct {
	// Name is unique, lower-case words joined by "-", e.g. "rollback-oldest-first".
	Name string
	// Area is the part of the code the break edits, for routing a survivor
	// to whoever owns it (builder, provisioner, post-processor, tfvarsfile,
	// command, localcloud, instances, e2e …).
	Area string
	// Promise is what the break makes false, with the issue it comes from.
	Promise string
	Edits   []Edit
	// Tests are expected to catch the break: one of them must fail.
	Tests []Test
}

// Edit replaces the one occurrence of Find in File with Replace. Find is
// matched with any run of blanks standing for any run of blanks (so a
// re-indented or re-aligned line still matches) and must occur exactly
// once: otherwise the code has moved and the break is STALE.
type Edit struct {
	File    string // relative to the repository root, with forward slashes
	Find    string
	Replace string
}

// Tier says how a test runs.
type Tier string

const (
	// TierQuick is `go test` (the quick tier: no servers, no root).
	TierQuick Tier = "quick"
	// TierAcc is `go test -tags acc` (moto, the local cloud, packer, root).
	TierAcc Tier = "acc"
	// TierTerraform is a run block of instances/tests, run by
	// tools/terraform-test.sh (terraform test with a mocked provider).
	TierTerraform Tier = "terraform"
	// TierMake is a target of the GNUmakefile (Pkg "."), e.g.
	// check-windows: it catches the break when it fails.
	TierMake Tier = "make"
)

// Test names one test: a Go test function in a package folder, or a
// terraform run block (Pkg "instances").
type Test struct {
	Tier Tier
	Pkg  string // package folder relative to the repository root
	Name string // TestX (Go) or the run block's name (terraform)
}

func quick(pkg, name string) Test { return Test{TierQuick, pkg, name} }
func acc(pkg, name string) Test   { return Test{TierAcc, pkg, name} }
func tfrun(name string) Test      { return Test{TierTerraform, "instances", name} }

func (t Test) String() string {
	switch t.Tier {
	case TierTerraform:
		return fmt.Sprintf("%s run %q", t.Pkg, t.Name)
	case TierMake:
		return "make " + t.Name
	}
	return t.Pkg + " " + t.Name
}

// errStale marks an edit whose anchor no longer matches the code.
var errStale = errors.New("stale")

// anchor is the pattern of find: its words in order, any blanks between
// them.
func anchor(find string) *regexp.Regexp {
	words := strings.Fields(find)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// apply returns src with the edit made, or an error wrapping errStale when
// Find does not occur exactly once.
func (e Edit) apply(src []byte) ([]byte, error) {
	if strings.TrimSpace(e.Find) == "" {
		return nil, fmt.Errorf("%s: empty anchor", e.File)
	}
	at := anchor(e.Find).FindAllIndex(src, 2)
	switch len(at) {
	case 0:
		return nil, fmt.Errorf("%w: %s no longer holds %q", errStale, e.File, firstLine(e.Find))
	case 2:
		return nil, fmt.Errorf("%w: %s holds %q more than once: lengthen the anchor", errStale, e.File, firstLine(e.Find))
	}
	out := make([]byte, 0, len(src)+len(e.Replace))
	out = append(out, src[:at[0][0]]...)
	out = append(out, e.Replace...)
	return append(out, src[at[0][1]:]...), nil
}

// Apply returns the content of every file the break changes, read from the
// repository at root. Several edits of one file apply in order.
func (b Break) Apply(root string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, e := range b.Edits {
		src, ok := files[e.File]
		if !ok {
			var err error
			if src, err = os.ReadFile(filepath.Join(root, filepath.FromSlash(e.File))); err != nil {
				return nil, fmt.Errorf("%w: %v", errStale, err)
			}
		}
		out, err := e.apply(src)
		if err != nil {
			return nil, err
		}
		files[e.File] = out
	}
	return files, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
