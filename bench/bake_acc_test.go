//go:build acc

package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// builders are the two plugins baking the same image, by template.
var builders = []struct{ name, template string }{
	{"immutable-ami", "immutable.pkr.hcl"},
	{"amazon-ebs", "amazon-ebs.pkr.hcl"},
}

// bake is one `packer build` as the bench saw it.
type bake struct {
	wall   time.Duration
	calls  map[string]int
	output string
}

// sideBySide bakes the same image with each builder, one after the other,
// with faults set in the proxy, and reports both; floor > 0 is the least
// the faults allow.
func (r *rig) sideBySide(b *testing.B, scenario string, faults ec2test.Faults, floor time.Duration) {
	results := map[string]bake{}
	for _, bl := range builders {
		if only := os.Getenv("BENCH_BUILDERS"); only != "" && !strings.Contains(only, bl.name) {
			continue
		}
		res := r.build(b, r.newDir(b), bl.template, faults)
		results[bl.name] = res
		report.add(row{scenario: scenario, builder: bl.name, wall: res.wall, floor: floor, calls: res.calls})
	}
	ours, theirs := results["immutable-ami"], results["amazon-ebs"]
	if floor > 0 {
		ratio := ours.wall.Seconds() / floor.Seconds()
		report.target(scenario+": immutable-ami ≤ 1.1 × floor", fmt.Sprintf("%.2f ×", ratio), ratio <= 1.1)
		n := total(ours.calls)
		report.target(scenario+": immutable-ami ≤ 40 EC2 calls", fmt.Sprint(n), n <= 40)
		return
	}
	report.target(scenario+": immutable-ami no slower than amazon-ebs",
		fmt.Sprintf("%.1f s vs %.1f s", ours.wall.Seconds(), theirs.wall.Seconds()), ours.wall <= theirs.wall)
}

// newDir is a fresh folder for a run.
func (r *rig) newDir(b *testing.B) string {
	r.runs++
	dir := filepath.Join(r.work, fmt.Sprintf("run-%d", r.runs))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	return dir
}

// build runs `packer build` on template (copied into work) with faults set
// in the proxy and its recording reset; extra are more packer arguments.
// The bench stops at a failed build: its figures would mean nothing.
func (r *rig) build(b *testing.B, work, template string, faults ec2test.Faults, extra ...string) bake {
	b.Helper()
	copyTemplate(b, template, work)
	args := append([]string{"build", "-color=false", "-var", "name=" + fmt.Sprint(time.Now().UnixNano()),
		"-var", "ssh_port=" + r.sshPort()}, extra...)
	if strings.HasPrefix(template, "amazon-ebs") {
		args = append(args, "-var", "endpoint="+r.proxy.URL)
	}
	args = append(args, template)
	r.proxy.SetFaults(faults)
	r.proxy.Reset()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.packer, args...)
	var out bytes.Buffer
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = work, r.env(), &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	r.proxy.SetFaults(ec2test.Faults{})
	_ = os.WriteFile(filepath.Join(work, "packer.log"), out.Bytes(), 0o644)
	_ = os.WriteFile(filepath.Join(work, "calls.log"), timeline(start, r.proxy.Requests()), 0o644)
	if err != nil {
		b.Fatalf("packer build %s: %v\n%s", template, err, out.String())
	}
	b.Logf("%s: %.1f s, %d EC2 calls", template, wall.Seconds(), len(r.proxy.Requests()))
	return bake{wall: wall, calls: byAction(r.proxy.Requests()), output: out.String()}
}

// copyTemplate puts testdata/template into dir.
func copyTemplate(b *testing.B, template, dir string) {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", template))
	dst := filepath.Join(dir, template)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(dst), 0o755)
	}
	if err == nil {
		err = os.WriteFile(dst, data, 0o644)
	}
	if err != nil {
		b.Fatal(err)
	}
}

// timeline is one line per EC2 call: seconds since the build started,
// action, and the IDs it names.
func timeline(start time.Time, calls []ec2test.Request) []byte {
	var b bytes.Buffer
	for _, c := range calls {
		var ids []string
		for k, vs := range c.Params {
			if strings.Contains(k, "Id") {
				ids = append(ids, vs...)
			}
		}
		fmt.Fprintf(&b, "%7.2f %s %s\n", c.At.Sub(start).Seconds(), c.Action, strings.Join(ids, " "))
	}
	return b.Bytes()
}

func byAction(calls []ec2test.Request) map[string]int {
	m := map[string]int{}
	for _, c := range calls {
		m[c.Action]++
	}
	return m
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
