package tfvarsfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Nothing but the file and its history is left beside it: the lock file
// exists only while a writer holds it.
func TestUpdateLeavesOnlyTheFileAndItsHistory(t *testing.T) {
	path := seeded(t, "ami_id = \"ami-00000000\"\n")
	if _, err := Update(context.Background(), path, Entry{Variable: "ami_id", Value: "ami-11111111"}, 0); err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*"))
	hidden, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*"))
	if want := []string{path, HistoryPath(path)}; len(hidden) != 0 || strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("folder holds %v %v, want only %v", names, hidden, want)
	}
}

// deadPID is the PID of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// leaveLock writes a lock file as a writer with that token would, dated mod.
func leaveLock(t *testing.T, path, token string, mod time.Time) {
	t.Helper()
	if err := os.WriteFile(lockPath(path), []byte(token), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(lockPath(path), mod, mod); err != nil {
		t.Fatal(err)
	}
}

// A lock left by a writer that died is broken: at once when its process is
// gone from this machine, after staleAfter when nothing can be known about
// it (another machine, a token not written yet).
func TestStaleLocksAreBroken(t *testing.T) {
	now := time.Now()
	cases := []struct{ name, token string }{
		{"process gone", fmt.Sprintf("%d %s 00\n", deadPID(t), hostname())},
		{"other machine, old", "1 build-server-7 00\n"},
		{"unreadable, old", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := seeded(t, "ami_id = \"ami-00000000\"\n")
			mod := now.Add(-staleAfter - time.Second)
			if c.name == "process gone" {
				mod = now.Add(-deadGrace - time.Second)
			}
			leaveLock(t, path, c.token, mod)
			limit := time.Minute
			if c.name == "process gone" {
				limit = staleAfter / 2 // before the lock turns old: only its dead process can explain the break
			}
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			if _, err := Update(ctx, path, Entry{Variable: "ami_id", Value: "ami-11111111"}, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(lockPath(path)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("lock file left: %v", err)
			}
		})
	}
}

// A lock that may still be held is waited on until the build is cancelled,
// and the error names the lock file and its holder.
func TestLiveLocksAreWaitedOn(t *testing.T) {
	future := time.Now().Add(time.Hour) // never old, however slow this machine is
	cases := []struct{ name, token, holder string }{
		{"this process", fmt.Sprintf("%d %s 00\n", os.Getpid(), hostname()), fmt.Sprintf("process %d on %s", os.Getpid(), hostname())},
		{"process gone, but a moment ago", fmt.Sprintf("%d %s 00\n", deadPID(t), hostname()), "process"},
		{"other machine", "1 build-server-7 00\n", "process 1 on build-server-7"},
		{"token being written", "", "a writer since"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := seeded(t, "ami_id = \"ami-00000000\"\n")
			leaveLock(t, path, c.token, future)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, err := Update(ctx, path, Entry{Variable: "ami_id", Value: "ami-11111111"}, 0)
			if err == nil || !strings.Contains(err.Error(), "waiting for the lock on "+lockPath(path)+" (held by "+c.holder) ||
				!strings.Contains(err.Error(), "delete the lock file") || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v", err)
			}
			if v, _, _ := Read(path, "ami_id", false); v.String != "ami-00000000" {
				t.Errorf("written without the lock: %s", v.String)
			}
		})
	}
}

// Eight writers finding the same stale lock break it once between them and
// then take turns: no update is lost.
func TestWritersBreakOneStaleLockTogether(t *testing.T) {
	path := seeded(t, "region = \"us-east-1\"\n")
	leaveLock(t, path, fmt.Sprintf("%d %s 00\n", deadPID(t), hostname()), time.Now().Add(-time.Hour))
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() { errs <- writeRounds(path, fmt.Sprintf("ami_%d", w), rounds) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	assertAllWritten(t, path)
	if left, _ := filepath.Glob(lockPath(path) + "*"); len(left) != 0 {
		t.Errorf("lock files left: %v", left)
	}
}

// A writer whose lock was broken under it (it took longer than staleAfter)
// writes nothing.
func TestWriterWhoseLockWasBrokenWritesNothing(t *testing.T) {
	path := seeded(t, "ami_id = \"ami-00000000\"\n")
	_, err := Modify(context.Background(), path, 0, func(State) (Entry, error) {
		leaveLock(t, path, "1 build-server-7 00\n", time.Now()) // another writer broke ours and holds it
		return Entry{Variable: "ami_id", Value: "ami-11111111"}, nil
	})
	if err == nil || !strings.Contains(err.Error(), "was taken over by another writer") {
		t.Errorf("err = %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "ami_id = \"ami-00000000\"\n" {
		t.Errorf("file changed: %q", got)
	}
	if got, _ := os.ReadFile(lockPath(path)); string(got) != "1 build-server-7 00\n" {
		t.Errorf("the other writer's lock was removed: %q", got)
	}
}

func TestProcessAlive(t *testing.T) {
	if !processAlive(os.Getpid()) {
		t.Error("this process is not alive")
	}
	if pid := deadPID(t); processAlive(pid) {
		t.Errorf("exited process %d is alive", pid)
	}
}

// A lock file that cannot be created (here: its name is too long for the
// file system, though the tfvars file's is not) is an error naming it,
// after a short retry, and nothing is written.
func TestLockFileThatCannotBeCreatedIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), strings.Repeat("x", 248)+".tfvars")
	if err := os.WriteFile(path, []byte("ami_id = \"ami-00000000\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Update(context.Background(), path, Entry{Variable: "ami_id", Value: "ami-11111111"}, 0)
	if err == nil || !strings.Contains(err.Error(), "creating the lock file "+lockPath(path)) {
		t.Errorf("err = %v", err)
	}
	if v, _, _ := Read(path, "ami_id", false); v.String != "ami-00000000" {
		t.Errorf("written without the lock: %s", v.String)
	}
}

// A writer waiting for the lock gives up when its build is cancelled, and
// names the lock file.
func TestUpdateWaitsForLockUntilCancelled(t *testing.T) {
	path := seeded(t, "ami_id = \"ami-00000000\"\n")
	held, err := lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer held.unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = Update(ctx, path, Entry{Variable: "ami_id", Value: "ami-11111111"}, 0)
	if err == nil || !strings.Contains(err.Error(), "waiting for the lock on "+lockPath(path)) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	if v, _, _ := Read(path, "ami_id", false); v.String != "ami-00000000" {
		t.Errorf("written without the lock: %s", v.String)
	}
}
