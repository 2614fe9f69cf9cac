package ami

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// inputFiles are the files reuse inputs name: their absolute paths, and
// the folder their fingerprint paths are relative to.
type inputFiles struct {
	Root  string
	Paths []string // absolute, sorted, each once
}

// Rel is p relative to Root, with slashes.
func (f inputFiles) Rel(p string) string {
	rel, _ := filepath.Rel(f.Root, p)
	return filepath.ToSlash(rel)
}

// expandInputs lists the regular files (symbolic links to them too) that
// the glob patterns match. A relative pattern is relative to dir (the
// folder packer runs in, as every path in a template); "**" matches any
// number of folders; "*", "?", "[…]" and "**" never match a name starting
// with "." unless the pattern's segment starts with "." too (as in a
// shell), so .git and .terraform stay out of "${path.root}/**". Linked
// folders are not followed. The root is the deepest folder holding every
// file: the same tree gives the same paths wherever it is checked out. A
// pattern that matches nothing is an error, naming it: a typo must not
// silently leave a file out.
func expandInputs(dir string, patterns []string) (inputFiles, error) {
	var all []string
	var errs []string
	for _, pat := range patterns {
		found, err := expandPattern(dir, pat)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		all = append(all, found...)
	}
	if len(errs) > 0 {
		return inputFiles{}, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	slices.Sort(all)
	all = slices.Compact(all)
	return inputFiles{Root: commonFolder(all), Paths: all}, nil
}

// expandPattern walks the pattern's literal leading folders and matches
// the rest.
func expandPattern(dir, pattern string) ([]string, error) {
	abs := filepath.ToSlash(pattern)
	if !filepath.IsAbs(pattern) {
		abs = filepath.ToSlash(filepath.Join(dir, pattern))
	}
	abs = path.Clean(abs)
	segs := strings.Split(abs, "/")
	for _, s := range segs {
		if _, err := path.Match(s, ""); err != nil {
			return nil, fmt.Errorf("pattern %q is not a valid glob: %v", pattern, err)
		}
	}
	lit := 0
	for lit < len(segs) && !hasMeta(segs[lit]) {
		lit++
	}
	base := filepath.FromSlash(strings.Join(segs[:lit], "/"))
	if base == "" {
		base = string(filepath.Separator)
	}
	found, err := walkMatching(base, segs[lit:])
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %v", pattern, err)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("pattern %q matches no file (relative patterns start in %s)", pattern, dir)
	}
	return found, nil
}

// walkMatching lists the files under base whose path below base matches
// rest (base itself when rest is empty).
func walkMatching(base string, rest []string) ([]string, error) {
	if len(rest) == 0 {
		if isFile(base) {
			return []string{base}, nil
		}
		return nil, nil
	}
	var found []string
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == base && os.IsNotExist(err) {
				return fs.SkipAll
			}
			return err
		}
		rel, _ := filepath.Rel(base, p)
		if rel == "." {
			return nil
		}
		segs := strings.Split(filepath.ToSlash(rel), "/")
		if d.IsDir() {
			if !prefixMayMatch(rest, segs) {
				return fs.SkipDir
			}
			return nil
		}
		if globMatch(rest, segs) && isFile(p) {
			found = append(found, p)
		}
		return nil
	})
	return found, err
}

// isFile reports whether p is a regular file, following a symbolic link.
func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func hasMeta(seg string) bool { return strings.ContainsAny(seg, "*?[\\") }

// globMatch matches path segments against pattern segments, "**" standing
// for any number of segments (none starting with ".").
func globMatch(pat, segs []string) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if globMatch(pat[1:], segs[i:]) {
				return true
			}
			if i < len(segs) && hidden(segs[i]) {
				return false
			}
		}
		return false
	}
	return len(segs) > 0 && segMatch(pat[0], segs[0]) && globMatch(pat[1:], segs[1:])
}

// segMatch matches one name; wildcards do not match a leading ".".
func segMatch(pat, name string) bool {
	if hidden(name) && !strings.HasPrefix(pat, ".") {
		return false
	}
	ok, err := path.Match(pat, name)
	return err == nil && ok
}

// prefixMayMatch reports whether some path below the folder segs could
// match pat, so the walk can skip folders that cannot.
func prefixMayMatch(pat, segs []string) bool {
	for i, s := range segs {
		if i >= len(pat) {
			return false
		}
		if pat[i] == "**" {
			// "**" consumes no hidden folder; a later segment may name one.
			return !slices.ContainsFunc(segs[i:], hidden) || slices.ContainsFunc(pat[i+1:], hidden)
		}
		if !segMatch(pat[i], s) {
			return false
		}
	}
	return true
}

func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// commonFolder is the deepest folder holding every path.
func commonFolder(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	root := filepath.Dir(paths[0])
	for _, p := range paths[1:] {
		for !within(root, p) && filepath.Dir(root) != root {
			root = filepath.Dir(root)
		}
	}
	return root
}

func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
