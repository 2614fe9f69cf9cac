//go:build acc

package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// reuse bakes with a reuse block, then runs the same build again with
// nothing changed: the second build must reuse the image (no RunInstances)
// and still write it into terraform.tfvars.
func (r *rig) reuse(b *testing.B) {
	dir := r.newDir(b)
	copyTemplate(b, "scripts/setup.sh", dir)
	first := r.build(b, dir, "reuse.pkr.hcl", ec2test.Faults{})
	report.add(row{scenario: "reuse: first build", builder: "immutable-ami", wall: first.wall, calls: first.calls})
	second := r.build(b, dir, "reuse.pkr.hcl", ec2test.Faults{})
	report.add(row{scenario: "reuse: unchanged inputs", builder: "immutable-ami", wall: second.wall, calls: second.calls})
	if !strings.Contains(second.output, "Reusing AMI") {
		b.Fatalf("the second build did not reuse the image:\n%s", second.output)
	}
	tfvars, _ := os.ReadFile(filepath.Join(dir, "terraform.tfvars"))
	if !strings.Contains(second.output, "already holds") || !bytes.Contains(tfvars, []byte("ami-")) {
		b.Fatalf("terraform.tfvars after the reuse:\n%s\n%s", tfvars, second.output)
	}
	report.target("reuse, unchanged inputs: packer build ≤ 3 s", fmt.Sprintf("%.1f s", second.wall.Seconds()),
		second.wall <= 3*time.Second)
	n := second.calls["RunInstances"]
	report.target("reuse, unchanged inputs: 0 RunInstances", fmt.Sprint(n), n == 0)
}

// tfvars times the whole update of a 10,000-line terraform.tfvars: as the
// post-processor makes it in a build (tfvarsfile.Update: lock, read,
// splice, atomic write with fsync, history), and as a user runs it, the
// plugin binary's promote from start to exit.
func (r *rig) tfvars(b *testing.B) {
	dir := r.newDir(b)
	path := filepath.Join(dir, "terraform.tfvars")
	writeFile(b, path, bigTfvars("ami-00000000000000000"))
	var inProcess []time.Duration
	defer debug.SetGCPercent(debug.SetGCPercent(400)) // as the plugin binary runs (internal/command.Dispatch)
	cpu := cpuTime()
	for i := range 15 {
		ami := fmt.Sprintf("ami-%017x", i+1)
		e := tfvarsfile.Entry{Variable: "ami_id", Value: ami, MapVariable: "ami_ids", Images: map[string]string{"us-east-1": ami}}
		start := time.Now()
		if _, err := tfvarsfile.Update(context.Background(), path, e, 0); err != nil {
			b.Fatal(err)
		}
		inProcess = append(inProcess, time.Since(start))
	}
	cpuEach := (cpuTime() - cpu) / time.Duration(len(inProcess))
	staging, prod := filepath.Join(dir, "staging.tfvars"), filepath.Join(dir, "prod.tfvars")
	writeFile(b, prod, bigTfvars("ami-00000000000000000"))
	var process []time.Duration
	for i := range 15 {
		writeFile(b, staging, bigTfvars(fmt.Sprintf("ami-%017x", i+1)))
		start := time.Now()
		run(b, r.plugin, "promote", "-from", staging, "-to", prod)
		process = append(process, time.Since(start))
	}
	med := median(inProcess)
	report.note("tfvars: the post-processor's whole update of a 10,000-line file (lock, read, splice, atomic write, history), "+
		"median of %d: %.1f ms (%.1f ms CPU); `packer-plugin-immutable promote` between two such files, the whole process, "+
		"median of %d: %.1f ms", len(inProcess), ms(med), ms(cpuEach), len(process), ms(median(process)))
	report.target("tfvars update of 10,000 lines, whole update ≤ 50 ms", fmt.Sprintf("%.1f ms", ms(med)),
		med <= 50*time.Millisecond)
}

// cpuTime is this process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// startup reports the release binary's size and how long it takes to start
// and describe itself (what packer does before every build).
func (r *rig) startup(b *testing.B) {
	info, err := os.Stat(r.plugin)
	if err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	for range 15 {
		start := time.Now()
		run(b, r.plugin, "describe")
		times = append(times, time.Since(start))
	}
	report.note("plugin: release binary (stripped: -s -w) %.1f MiB; start-up (`describe`), median of %d: %.1f ms",
		float64(info.Size())/(1<<20), len(times), ms(median(times)))
}

// releaseBuild builds the plugin as .goreleaser.yml does (no cgo, trimmed
// paths, symbols stripped, no -dev suffix).
func releaseBuild(b *testing.B, dir string) string {
	b.Helper()
	out := filepath.Join(dir, "packer-plugin-immutable")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "-ldflags",
		"-s -w -X github.com/immutable-infrastructure/packer-plugin-immutable/version.VersionPrerelease=", ".")
	cmd.Dir, cmd.Env = packertest.RepoRoot(b), append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, msg)
	}
	return out
}

// amazonPlugin is the official Amazon plugin v1.2.1, built once into the
// tool cache (tools/cache.sh), as the tests build it.
func amazonPlugin(b *testing.B) string {
	b.Helper()
	script := `. tools/cache.sh; out=$CACHE_DIR/bin/packer-plugin-amazon-1.2.1
[ -x "$out" ] || build_go_module github.com/hashicorp/packer-plugin-amazon v1.2.1 "$out" >&2 || exit 1
echo "$out"`
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = packertest.RepoRoot(b)
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("building packer-plugin-amazon v1.2.1: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func run(b *testing.B, name string, args ...string) {
	b.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		b.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func writeFile(b *testing.B, path, content string) {
	b.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		b.Fatal(err)
	}
}

// bigTfvars is a 10,000-line tfvars file (comments, strings, maps, lists)
// with ami_id in the middle.
func bigTfvars(ami string) string {
	var s strings.Builder
	for i, lines := 0, 0; lines < 10000; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&s, "# setting %d\n", i)
			lines++
		case 1:
			fmt.Fprintf(&s, "name_%d = \"value-%d\" # beside\n", i, i)
			lines++
		case 2:
			fmt.Fprintf(&s, "map_%d = {\n  a = \"x\"\n  b = \"y\"\n}\n", i)
			lines += 4
		default:
			fmt.Fprintf(&s, "list_%d = [1, 2, 3]\n", i)
			lines++
		}
		if i == 5000 {
			fmt.Fprintf(&s, "ami_id = %q\n", ami)
			lines++
		}
	}
	return s.String()
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
