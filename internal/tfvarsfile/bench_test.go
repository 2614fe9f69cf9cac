//go:build unix

// The benchmarks report CPU time from getrusage, which Windows lacks.

package tfvarsfile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bigTfvars returns a 10,000-line tfvars file: comments, strings, maps and
// the target attribute in the middle.
func bigTfvars() []byte {
	var b strings.Builder
	for i := 0; b.Len() == 0 || strings.Count(b.String(), "\n") < 10000; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "# setting %d\n", i)
		case 1:
			fmt.Fprintf(&b, "name_%d = \"value-%d\" # beside\n", i, i)
		case 2:
			fmt.Fprintf(&b, "map_%d = {\n  a = \"x\"\n  b = \"y\"\n}\n", i)
		default:
			fmt.Fprintf(&b, "list_%d = [1, 2, 3]\n", i)
		}
		if i == 5000 {
			b.WriteString("ami_id = \"ami-00000000\"\n")
		}
	}
	return []byte(b.String())
}

// cpuTime is the process's user+system CPU time. Reported per operation
// beside ns/op, it stays meaningful on a loaded machine, where wall time
// mostly measures waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// asInTheBinary runs a benchmark with the garbage collector set as
// internal/command.Dispatch sets it for the plugin and its subcommands.
func asInTheBinary(b *testing.B) {
	old := debug.SetGCPercent(400)
	b.Cleanup(func() { debug.SetGCPercent(old) })
}

func BenchmarkUpdateSplice10000Lines(b *testing.B) {
	asInTheBinary(b)
	src := bigTfvars()
	defer reportCPU(b, cpuTime())
	for i := 0; b.Loop(); i++ {
		if _, _, err := Set(src, "big", Edit{Name: "ami_id", Value: StringValue(fmt.Sprintf("ami-%08x", i))}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateFile10000Lines is the whole Update: lock, read, splice,
// atomic write with fsync, history.
func BenchmarkUpdateFile10000Lines(b *testing.B) {
	asInTheBinary(b)
	path := filepath.Join(b.TempDir(), "terraform.tfvars")
	if err := os.WriteFile(path, bigTfvars(), 0o644); err != nil {
		b.Fatal(err)
	}
	defer reportCPU(b, cpuTime())
	for i := 0; b.Loop(); i++ {
		e := Entry{Variable: "ami_id", Value: fmt.Sprintf("ami-%08x", i), MapVariable: "ami_ids",
			Images: map[string]string{"us-east-1": fmt.Sprintf("ami-%08x", i)}}
		if _, err := Update(context.Background(), path, e, 0); err != nil {
			b.Fatal(err)
		}
	}
}
