package tfvarsfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

const writerEnv = "TFVARSFILE_TEST_WRITER" // "path|variable|rounds" in a re-executed test binary

func TestMain(m *testing.M) {
	if spec := os.Getenv(writerEnv); spec != "" {
		var path, variable string
		var rounds int
		if _, err := fmt.Sscanf(spec, "%s %s %d", &path, &variable, &rounds); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		if err := writeRounds(path, variable, rounds); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writeRounds writes rounds successive values of variable, as a build would.
func writeRounds(path, variable string, rounds int) error {
	for i := range rounds {
		e := Entry{Action: ActionBuild, Variable: variable, Value: amiFor(variable, i),
			MapVariable: variable + "_map", Images: map[string]string{"r-" + variable: amiFor(variable, i)}}
		if _, err := Update(context.Background(), path, e, 1000); err != nil {
			return err
		}
	}
	return nil
}

func amiFor(variable string, i int) string { return fmt.Sprintf("ami-%08x", len(variable)*1000+i) }

const writers, rounds = 8, 10

func TestUpdateConcurrentGoroutines(t *testing.T) {
	path := seeded(t, "# shared by 8 builds\nregion = \"us-east-1\"\n")
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() { errs <- writeRounds(path, "ami_"+strconv.Itoa(w), rounds) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	assertAllWritten(t, path)
}

// The writers start while a writer that died holds the lock: they break it
// once between them, then take turns.
func TestUpdateConcurrentProcesses(t *testing.T) {
	path := seeded(t, "region = \"us-east-1\"\r\n")
	leaveLock(t, path, fmt.Sprintf("%d %s 00\n", deadPID(t), hostname()), time.Now().Add(-time.Hour))
	cmds := make([]*exec.Cmd, writers)
	for w := range writers {
		cmds[w] = exec.Command(os.Args[0], "-test.run=^$")
		cmds[w].Env = append(os.Environ(), fmt.Sprintf("%s=%s ami_%d %d", writerEnv, path, w, rounds))
		cmds[w].Stderr = os.Stderr
		if err := cmds[w].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for w, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("writer %d: %v", w, err)
		}
	}
	assertAllWritten(t, path)
}

// assertAllWritten checks that every writer's last value and every one of
// its history entries survived.
func assertAllWritten(t *testing.T, path string) {
	t.Helper()
	for w := range writers {
		name := "ami_" + strconv.Itoa(w)
		v, found, err := Read(path, name, false)
		if err != nil || !found || v.String != amiFor(name, rounds-1) {
			t.Errorf("%s = %q (found %v, err %v), want %s: an update was lost", name, v.String, found, err, amiFor(name, rounds-1))
		}
		m, _, err := Read(path, name+"_map", true)
		if err != nil || m.Map["r-"+name] != amiFor(name, rounds-1) {
			t.Errorf("%s_map = %v (err %v): an update was lost", name, m.Map, err)
		}
	}
	h, err := ReadHistory(path)
	if err != nil || len(h) != writers*rounds {
		t.Errorf("history has %d entries (err %v), want %d", len(h), err, writers*rounds)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*.tmp-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func seeded(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "terraform.tfvars")
	if err := os.WriteFile(path, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUpdateNoOpKeepsFileAndMtime(t *testing.T) {
	path := seeded(t, "ami_id = \"ami-0123456789abcdef0\" # current\n")
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	res, err := Update(context.Background(), path, Entry{Variable: "ami_id", Value: "ami-0123456789abcdef0"}, 0)
	if err != nil || res.Changed {
		t.Fatalf("Update = %+v, %v; want unchanged", res, err)
	}
	fi, _ := os.Stat(path)
	if !fi.ModTime().Equal(old) {
		t.Errorf("mtime changed from %v to %v on a no-op", old, fi.ModTime())
	}
	if _, err := os.Stat(HistoryPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a no-op wrote history: %v", err)
	}
}

func TestUpdateKeepsModeCreatesFileAndBoundsHistory(t *testing.T) {
	path := seeded(t, "region = \"eu-west-1\"")
	for i := range 15 {
		if _, err := Update(context.Background(), path, Entry{Variable: "ami_id", Value: amiFor("x", i)}, 0); err != nil {
			t.Fatal(err)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want 0640 kept", fi.Mode().Perm())
	}
	h, err := ReadHistory(path)
	if err != nil || len(h) != DefaultKeepHistory || h[len(h)-1].Value != amiFor("x", 14) || h[0].Value != amiFor("x", 5) {
		t.Errorf("history = %+v (%v), want the last %d entries", h, err, DefaultKeepHistory)
	}
	if ts := h[0].Time.Format(time.RFC3339); h[0].Time.IsZero() || ts[len(ts)-1] != 'Z' {
		t.Errorf("history time %q not RFC3339 UTC", ts)
	}

	fresh := filepath.Join(filepath.Dir(path), "new.tfvars")
	res, err := Update(context.Background(), fresh, Entry{Variable: "ami_id", Value: "ami-11111111"}, 0)
	got, _ := os.ReadFile(fresh)
	if err != nil || !res.Created || string(got) != "ami_id = \"ami-11111111\"\n" {
		t.Errorf("creating: %+v, %v, %q", res, err, got)
	}
}

func TestUpdateFollowsSymlink(t *testing.T) {
	path := seeded(t, "ami_id = \"ami-00000000\"\n")
	link := filepath.Join(t.TempDir(), "link.tfvars")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Update(context.Background(), link, Entry{Variable: "ami_id", Value: "ami-11111111"}, 0); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced by a file")
	}
	if v, _, _ := Read(path, "ami_id", false); v.String != "ami-11111111" {
		t.Errorf("target holds %q", v.String)
	}
}
