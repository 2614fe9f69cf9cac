//go:build acc

package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// logDir keeps every command's output; it is printed when a test fails.
var logDir string

func command(dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// mustRun runs a command to completion, its output going to LOG.log, and
// fails the test with the output's tail when it exits non-zero.
func mustRun(t *testing.T, dir string, env []string, log, name string, args ...string) string {
	t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env, cmd.WaitDelay = dir, env, 10*time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if logDir != "" {
		_ = os.WriteFile(filepath.Join(logDir, log+".log"), out.Bytes(), 0o644)
	}
	if err != nil {
		t.Fatalf("%s %s: %v (after %s)\n%s", filepath.Base(name), strings.Join(args, " "), err,
			time.Since(start).Round(time.Second), tail(out.String(), 60))
	}
	t.Logf("%-14s %5.1fs  %s %s", log, time.Since(start).Seconds(), filepath.Base(name), strings.Join(args, " "))
	return out.String()
}

func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// copyTree copies the files under src into dst (regular files and folders).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		info, err := d.Info()
		if err != nil || !info.Mode().IsRegular() || strings.HasPrefix(d.Name(), "terraform.tfstate") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("copying %s: %v", src, err)
	}
}
