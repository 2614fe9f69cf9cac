//go:build acc

package bench

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// report collects every figure of the run; TestMain prints it.
var report results

type results struct {
	mu      sync.Mutex
	rows    []row
	notes   []string
	targets []target
}

// row is one bake: how long packer build took and the EC2 calls it made.
type row struct {
	scenario, builder string
	wall, floor       time.Duration
	calls             map[string]int
}

type target struct {
	what, got string
	pass      bool
}

func (r *results) add(x row) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows = append(r.rows, x)
}

// note records a figure that has no target of its own.
func (r *results) note(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

func (r *results) target(what, got string, pass bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.targets = append(r.targets, target{what, got, pass})
}

func (r *results) failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.ContainsFunc(r.targets, func(t target) bool { return !t.pass })
}

// String is the report in Markdown, as docs/benchmarks.md shows it.
func (r *results) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	b.WriteString("\n| scenario | builder | wall | floor | ratio | EC2 calls | by action |\n|---|---|---|---|---|---|---|\n")
	for _, x := range r.rows {
		floor, ratio := "–", "–"
		if x.floor > 0 {
			floor = fmt.Sprintf("%.0f s", x.floor.Seconds())
			ratio = fmt.Sprintf("%.2f ×", x.wall.Seconds()/x.floor.Seconds())
		}
		fmt.Fprintf(&b, "| %s | %s | %.1f s | %s | %s | %d | %s |\n", x.scenario, x.builder, x.wall.Seconds(),
			floor, ratio, total(x.calls), actions(x.calls))
	}
	b.WriteString("\n")
	for _, n := range r.notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	b.WriteString("\n| target | measured | |\n|---|---|---|\n")
	for _, t := range r.targets {
		verdict := "PASS"
		if !t.pass {
			verdict = "FAIL"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", t.what, t.got, verdict)
	}
	return b.String()
}

// actions lists calls by action, most frequent first.
func actions(calls map[string]int) string {
	names := slices.Collect(maps.Keys(calls))
	slices.SortFunc(names, func(a, b string) int {
		if calls[a] != calls[b] {
			return calls[b] - calls[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, calls[n])
	}
	return strings.Join(parts, ", ")
}
