package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// result is what became of one break.
type result struct {
	Break    Break
	Status   Status
	Caught   []string // the tests that failed, as "pkg TestX"
	Detail   string
	Duration time.Duration
	Log      string // the log file of its test run
}

// runner tests breaks in a pool of slots.
type runner struct {
	root  string   // the repository
	files []string // its files (sourceFiles)
	logs  string   // folder of the per-break logs
	slots chan *slot
	out   io.Writer
	mu    sync.Mutex
}

func newRunner(root, cache string, jobs int, out io.Writer) (*runner, error) {
	files, err := sourceFiles(root)
	if err != nil {
		return nil, err
	}
	r := &runner{root: root, files: files, logs: filepath.Join(cache, "logs"), slots: make(chan *slot, jobs), out: out}
	if err := os.MkdirAll(r.logs, 0o755); err != nil {
		return nil, err
	}
	for n := range jobs {
		s, err := openSlot(cache, n)
		if err != nil {
			return nil, err
		}
		r.slots <- s
	}
	return r, nil
}

func (r *runner) close() {
	for range cap(r.slots) {
		(<-r.slots).close()
	}
}

// baseline runs, without any break, every test the breaks name (one
// command per package and tier) and returns why each test that does not
// pass cannot judge a break.
func (r *runner) baseline(ctx context.Context, breaks []Break) map[Test]string {
	var all []Test
	for _, b := range breaks {
		all = append(all, b.Tests...)
	}
	gs := groups(all)
	bad := map[Test]string{}
	var wg sync.WaitGroup
	for _, g := range gs {
		wg.Go(func() {
			s := <-r.slots
			defer func() { r.slots <- s }()
			start := time.Now()
			o := outcome{Status: Broken}
			if err := s.sync(r.root, r.files, nil); err != nil {
				o.Detail = err.Error()
			} else {
				o = g.run(ctx, s.dir)
			}
			logPath := r.writeLog("baseline-"+string(g.Tier)+"-"+strings.ReplaceAll(g.Pkg, "/", "_"), o.Log)
			r.mu.Lock()
			defer r.mu.Unlock()
			for _, n := range g.Names {
				if o.Status != Survived { // a baseline should pass: "survived" means it did
					if why := baselineWhy(o, n); why != "" {
						bad[Test{g.Tier, g.Pkg, n}] = why + " (log " + logPath + ")"
					}
				}
			}
			fmt.Fprintf(r.out, "baseline %-9s %6s  %s\n", baselineWord(o.Status), round(time.Since(start)), g)
		})
	}
	wg.Wait()
	return bad
}

// baselineWhy says why test n cannot judge a break, "" when it passed.
func baselineWhy(o outcome, n string) string {
	switch {
	case slices.Contains(o.Failed, n):
		return "fails without any break"
	case o.Status == Killed: // another test of the group failed
		return ""
	case o.Status == Skipped && strings.Contains(o.Detail, n):
		return "skips itself"
	case o.Status == Broken:
		return o.Detail
	}
	return ""
}

func baselineWord(s Status) string {
	if s == Survived {
		return "PASS"
	}
	return "FAIL"
}

// test applies b in a slot and runs its tests, fastest tier first,
// stopping at the first that catches it.
func (r *runner) test(ctx context.Context, b Break, bad map[Test]string) (res result) {
	start := time.Now()
	res.Break = b
	defer func() { res.Duration = time.Since(start) }()
	for _, t := range b.Tests {
		if why, ok := bad[t]; ok {
			res.Status, res.Detail = Baseline, t.String()+" "+why
			return res
		}
	}
	changes, err := b.Apply(r.root)
	if err != nil {
		res.Status, res.Detail = Stale, strings.TrimPrefix(err.Error(), errStale.Error()+": ")
		if !errors.Is(err, errStale) {
			res.Status = Broken
		}
		return res
	}
	s := <-r.slots
	defer func() { r.slots <- s }()
	start = time.Now() // the time of this break's tests, not of the wait for a slot
	if err := s.sync(r.root, r.files, changes); err != nil {
		res.Status, res.Detail = Broken, err.Error()
		return res
	}
	var log []byte
	for _, g := range groups(b.Tests) {
		o := g.run(ctx, s.dir)
		log = append(log, fmt.Sprintf("=== %s\n", g)...)
		log = append(log, o.Log...)
		res.Status, res.Detail = o.Status, o.Detail
		for _, f := range o.Failed {
			res.Caught = append(res.Caught, Test{g.Tier, g.Pkg, f}.String())
		}
		if o.Status != Survived {
			break
		}
	}
	res.Log = r.writeLog(b.Name, log)
	return res
}

func (r *runner) writeLog(name string, log []byte) string {
	p := filepath.Join(r.logs, name+".log")
	if err := os.WriteFile(p, log, 0o644); err != nil {
		return "(log not written: " + err.Error() + ")"
	}
	return p
}

// testAll tests every break, as many at a time as there are slots, and
// prints each result as it comes.
func (r *runner) testAll(ctx context.Context, breaks []Break, bad map[Test]string) []result {
	results := make([]result, len(breaks))
	var wg sync.WaitGroup
	for i, b := range breaks {
		wg.Go(func() {
			results[i] = r.test(ctx, b, bad)
			r.mu.Lock()
			defer r.mu.Unlock()
			printResult(r.out, results[i])
		})
	}
	wg.Wait()
	return results
}

func round(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
