package command

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// record writes an entry as a build (or promotion) would, with its map.
func record(t *testing.T, path, action, value, west string) {
	t.Helper()
	e := tfvarsfile.Entry{Action: action, Variable: "ami_id", Value: value, MapVariable: "ami_ids",
		Images: map[string]string{"us-east-1": value, "us-west-2": west}}
	if _, err := tfvarsfile.Update(context.Background(), path, e, 100); err != nil {
		t.Fatal(err)
	}
}

func regionMap(t *testing.T, path string) map[string]string {
	t.Helper()
	m, _, err := tfvarsfile.Read(path, "ami_ids", true)
	if err != nil {
		t.Fatal(err)
	}
	return m.Map
}

// An image can appear twice in the history (built again, promoted again,
// rolled forward by hand). Every search goes from the newest entry back:
// the newest occurrence of the current image is the point to roll back
// from, and the newest occurrence of the target says which region map
// goes with it.
func TestRollbackUsesTheNewestOccurrence(t *testing.T) {
	const westA, westB = "ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb"
	t.Run("current image twice", func(t *testing.T) {
		path := built(t, v1, v2, v3)
		record(t, path, "promote", v2, westA) // v2 again, after v3
		if code, _, errOut := run(t, "rollback", "-file", path); code != 0 || value(t, path, "ami_id") != v3 {
			t.Errorf("rollback from the second %s: code %d, ami_id %s, want %s %s", v2, code, value(t, path, "ami_id"), v3, errOut)
		}
	})
	t.Run("target image twice", func(t *testing.T) {
		path := built(t)
		record(t, path, "build", v1, westA)
		record(t, path, "build", v2, westA)
		record(t, path, "promote", v1, westB) // v1 again, with another copy in us-west-2
		record(t, path, "build", v3, westA)
		if code, _, errOut := run(t, "rollback", "-file", path); code != 0 || value(t, path, "ami_id") != v1 || regionMap(t, path)["us-west-2"] != westB {
			t.Errorf("rollback: code %d, ami_id %s, ami_ids %v; want %s with the newest map (%s) %s", code, value(t, path, "ami_id"), regionMap(t, path), v1, westB, errOut)
		}
		record(t, path, "build", v3, westA)
		if code, _, _ := run(t, "rollback", "-file", path, "-to", v1); code != 0 || regionMap(t, path)["us-west-2"] != westB {
			t.Errorf("rollback -to %s: code %d, ami_ids %v; want the newest map (%s)", v1, code, regionMap(t, path), westB)
		}
	})
}

// Rollback right after the first write into a hand-written file restores
// the file byte for byte: quoting, comments, the hand-written region map,
// or its absence.
func TestRollbackAfterTheFirstWriteRestoresTheHandWrittenFile(t *testing.T) {
	for name, before := range map[string]string{
		"with a map":  "# prod\r\nami_id = \"ami-0aaaaaaa\\u0061aaaaaaaa\" # by hand\r\nami_ids = { us-east-1 = \"ami-0aaaaaaaaaaaaaaaa\",  \"eu-west-1\"=\"ami-0bbbbbbbbbbbbbbbb\" } # two\r\n",
		"without map": "region  = \"us-east-1\"\nami_id  = \"ami-12345678\"\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "terraform.tfvars")
			if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
				t.Fatal(err)
			}
			record(t, path, "build", v1, "ami-0fffffffffffffff1")
			code, out, errOut := run(t, "rollback", "-file", path)
			if got, _ := os.ReadFile(path); code != 0 || string(got) != before {
				t.Errorf("rollback: code %d %s%s\nfile %q\nwant %q", code, out, errOut, got, before)
			}
		})
	}
	t.Run("promote", func(t *testing.T) {
		staging := built(t, v1, v2)
		prod := filepath.Join(t.TempDir(), "prod.tfvars")
		before := "ami_id = \"ami-12345678\" # pinned by hand\n"
		if err := os.WriteFile(prod, []byte(before), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, _, errOut := run(t, "promote", "-from", staging, "-to", prod); code != 0 || value(t, prod, "ami_id") != v2 {
			t.Fatalf("promote: %d %s", code, errOut)
		}
		if code, _, errOut := run(t, "rollback", "-file", prod); code != 0 {
			t.Fatalf("rollback: %d %s", code, errOut)
		}
		if got, _ := os.ReadFile(prod); string(got) != before {
			t.Errorf("prod after rollback = %q, want %q", got, before)
		}
	})
}

// A build that writes while a rollback waits for the lock is not undone by
// a rollback decided on what the file held before: the rollback reads the
// history and the current value under the lock, so it steps back from the
// build's image, not from the one before it.
func TestRollbackDecidesUnderTheLock(t *testing.T) {
	path := built(t, v1, v2)
	holding, release, built := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() { // a build holding the lock, about to write v3
		_, err := tfvarsfile.Modify(context.Background(), path, 0, func(tfvarsfile.State) (tfvarsfile.Entry, error) {
			close(holding)
			<-release
			return tfvarsfile.Entry{Action: "build", Variable: "ami_id", Value: v3, MapVariable: "ami_ids",
				Images: map[string]string{"us-east-1": v3, "us-west-2": "ami-f0000000000000003"}}, nil
		})
		built <- err
	}()
	<-holding
	var out, errOut bytes.Buffer
	rolled := make(chan int, 1)
	go func() {
		code, _ := Run([]string{"rollback", "-file", path}, &out, &errOut)
		rolled <- code
	}()
	waitForLockWaiter(t)
	close(release)
	if err := <-built; err != nil {
		t.Fatal(err)
	}
	if code := <-rolled; code != 0 || value(t, path, "ami_id") != v2 || regionMap(t, path)["us-east-1"] != v2 {
		t.Errorf("rollback after the build of %s: code %d, ami_id %s, want %s\n%s%s", v3, code, value(t, path, "ami_id"), v2, out.String(), errOut.String())
	}
	h, _ := tfvarsfile.ReadHistory(path)
	if n := len(h); n < 2 || h[n-2].Value != v3 || h[n-1].Action != "rollback" || h[n-1].Value != v2 {
		t.Errorf("history %+v: want the build of %s, then the rollback to %s", h, v3, v2)
	}
}

// waitForLockWaiter returns once a goroutine waits inside tfvarsfile's lock
// (the rollback, blocked by the build): whatever it read before taking the
// lock, it has read by then. It watches the goroutines' stacks, not a
// clock.
func waitForLockWaiter(t *testing.T) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		stacks := string(buf[:runtime.Stack(buf, true)])
		if strings.Contains(stacks, "internal/tfvarsfile.lock(") {
			return
		}
	}
	t.Fatal("the rollback never waited for the lock")
}

// A region map keyed by a number is a clear error (file, line, fix), exit
// status 1 and the file untouched; it used to crash with a stack trace and
// the exit status of a wrong command line.
func TestNumberMapKeyIsAClearError(t *testing.T) {
	path := built(t, v1, v2)
	broken := []byte("ami_id = \"" + v2 + "\"\nami_ids = {\n  0 = \"" + v2 + "\"\n}\n")
	if err := os.WriteFile(path, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	staging := built(t, v3)
	for _, args := range [][]string{{"rollback", "-file", path}, {"promote", "-from", staging, "-to", path, "-map-variable", "ami_ids"}} {
		code, _, errOut := run(t, args...)
		if got, _ := os.ReadFile(path); code != 1 || !bytes.Equal(got, broken) ||
			!strings.Contains(errOut, path+`:3:3: map "ami_ids" has the key 0, which is a number`) || !strings.Contains(errOut, `such as "us-east-1" = "ami-…"`) {
			t.Errorf("%s: code %d, stderr %q, file changed %v", args[0], code, errOut, !bytes.Equal(got, broken))
		}
	}
	if h, _ := tfvarsfile.ReadHistory(path); !maps.Equal(h[len(h)-1].Images, map[string]string{"us-east-1": v2, "us-west-2": "ami-f0000000000000002"}) {
		t.Errorf("history written: %+v", h[len(h)-1])
	}
}
