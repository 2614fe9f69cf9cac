package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Status is what became of a break (or of a baseline run).
type Status string

const (
	Killed   Status = "KILLED"   // a named test failed: the suite caught the break
	Survived Status = "SURVIVED" // every named test passed: a gap in the suite
	Stale    Status = "STALE"    // the anchor no longer matches: update the catalogue
	Broken   Status = "BROKEN"   // the broken code does not build, or a named test did not run: fix the catalogue
	Skipped  Status = "SKIPPED"  // a named test skipped itself: a skip is not a pass
	Baseline Status = "BASELINE" // a named test fails without the break: the result would mean nothing
)

// group is the tests of one package and tier, run by one command.
type group struct {
	Tier  Tier
	Pkg   string
	Names []string
}

// groups splits tests into commands: quick ones first, then terraform,
// then acc (the slowest run only when the faster ones all passed).
func groups(tests []Test) []group {
	var out []group
	for _, t := range tests {
		i := slices.IndexFunc(out, func(g group) bool { return g.Tier == t.Tier && g.Pkg == t.Pkg })
		if i < 0 {
			out = append(out, group{Tier: t.Tier, Pkg: t.Pkg})
			i = len(out) - 1
		}
		if !slices.Contains(out[i].Names, t.Name) {
			out[i].Names = append(out[i].Names, t.Name)
		}
	}
	order := map[Tier]int{TierQuick: 0, TierMake: 1, TierTerraform: 2, TierAcc: 3}
	slices.SortStableFunc(out, func(a, b group) int { return order[a.Tier] - order[b.Tier] })
	return out
}

// outcome is what running a group gave.
type outcome struct {
	Status Status
	Failed []string // the named tests that failed (the catchers)
	Detail string
	Log    []byte
}

// timeouts bound one group's run; a break that hangs a test is killed by
// go test's own -timeout and counts as caught.
var timeouts = map[Tier]time.Duration{TierQuick: 5 * time.Minute, TierMake: 10 * time.Minute,
	TierTerraform: 5 * time.Minute, TierAcc: 30 * time.Minute}

// run runs the group in the repository copy at dir.
func (g group) run(ctx context.Context, dir string) outcome {
	switch g.Tier {
	case TierTerraform:
		out, err := command(ctx, dir, timeouts[g.Tier], "./tools/terraform-test.sh")
		return terraformOutcome(g.Names, out, err)
	case TierMake:
		return g.runMake(ctx, dir)
	}
	args := []string{"test", "-json", "-count=1", "-timeout", timeouts[g.Tier].String(),
		"-run", "^(" + strings.Join(g.Names, "|") + ")$"}
	if g.Tier == TierAcc {
		args = append(args, "-tags", "acc")
	}
	out, _ := command(ctx, dir, timeouts[g.Tier]+time.Minute, "go", append(args, "./"+g.Pkg)...)
	return goOutcome(g.Names, out)
}

// command runs name in dir in its own process group, killed whole when it
// outlives limit or ctx, and returns its combined output.
func command(ctx context.Context, dir string, limit time.Duration, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.Bytes(), err
}

// runMake runs each target; one that fails catches the break.
func (g group) runMake(ctx context.Context, dir string) outcome {
	o := outcome{Status: Survived}
	for _, target := range g.Names {
		out, err := command(ctx, dir, timeouts[TierMake], "make", "--no-print-directory", target)
		o.Log = append(o.Log, out...)
		if err != nil {
			o.Status, o.Failed = Killed, append(o.Failed, target)
		}
	}
	return o
}

func (g group) String() string {
	return fmt.Sprintf("%s %s %s", g.Tier, g.Pkg, strings.Join(g.Names, ","))
}
