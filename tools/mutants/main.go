package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// options are the command line.
type options struct {
	only       string
	jobs       int
	check      bool
	list       bool
	doc        string
	noBaseline bool
	cache      string
}

func main() {
	var o options
	flag.StringVar(&o.only, "only", os.Getenv("MUTANTS"), "comma-separated break names to run (default: all; also $MUTANTS)")
	flag.IntVar(&o.jobs, "j", runtime.NumCPU(), "breaks tested at once")
	flag.BoolVar(&o.check, "check", false, "only check that every anchor still matches the code (seconds, no tests)")
	flag.BoolVar(&o.list, "list", false, "list the breaks and their tests")
	flag.StringVar(&o.doc, "doc", "docs/mutation-testing.md", "page whose results table a full run rewrites (\"\" for none)")
	flag.BoolVar(&o.noBaseline, "no-baseline", false, "skip running the named tests without any break first")
	flag.StringVar(&o.cache, "cache", defaultCache(), "folder for the work copies and logs")
	flag.Parse()
	code, err := run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutants:", err)
		code = 2
	}
	os.Exit(code)
}

func run(o options) (int, error) {
	root, err := repoRoot()
	if err != nil {
		return 0, err
	}
	breaks, err := selectBreaks(catalogue(), o.only)
	if err != nil {
		return 0, err
	}
	switch {
	case o.list:
		for _, b := range breaks {
			fmt.Printf("%-40s %-14s %s\n", b.Name, b.Area, testNames(b.Tests))
		}
		return 0, nil
	case o.check:
		return checkAnchors(root, breaks), nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	r, err := newRunner(root, o.cache, max(o.jobs, 1), os.Stdout)
	if err != nil {
		return 0, err
	}
	defer r.close()
	bad := map[Test]string{}
	if !o.noBaseline {
		bad = r.baseline(ctx, breaks)
	}
	results := r.testAll(ctx, breaks, bad)
	took := time.Since(start)
	fmt.Printf("\n%d breaks in %s: %s\n", len(results), took.Round(time.Second), summary(results))
	if o.only == "" && o.doc != "" && ctx.Err() == nil {
		if err := writeDoc(filepath.Join(root, o.doc), markdown(root, results, took)); err != nil {
			return 0, err
		}
		fmt.Printf("results written into %s\n", o.doc)
	}
	for _, res := range results {
		if res.Status != Killed {
			return 1, nil
		}
	}
	return 0, nil
}

// selectBreaks returns the breaks named in only (all when empty).
func selectBreaks(all []Break, only string) ([]Break, error) {
	if strings.TrimSpace(only) == "" {
		return all, nil
	}
	var out []Break
	for _, name := range strings.Split(only, ",") {
		name = strings.TrimSpace(name)
		i := slices.IndexFunc(all, func(b Break) bool { return b.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("no break named %q (see -list)", name)
		}
		out = append(out, all[i])
	}
	return out, nil
}

// checkAnchors reports every break whose edits no longer apply.
func checkAnchors(root string, breaks []Break) int {
	code := 0
	for _, b := range breaks {
		if _, err := b.Apply(root); err != nil {
			fmt.Printf("%-9s %-40s %v\n", Stale, b.Name, err)
			code = 1
		}
	}
	if code == 0 {
		fmt.Printf("all %d anchors match the code\n", len(breaks))
	}
	return code
}

func testNames(tests []Test) string {
	var s []string
	for _, t := range tests {
		s = append(s, t.String())
	}
	return strings.Join(s, "; ")
}

func repoRoot() (string, error) {
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return "", fmt.Errorf("run mutants inside the repository: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// defaultCache is the tool cache's mutants folder (tools/cache.sh).
func defaultCache() string {
	if c := os.Getenv("IMMUTABLE_CACHE"); c != "" {
		return filepath.Join(c, "mutants")
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "packer-plugin-immutable", "mutants")
}
