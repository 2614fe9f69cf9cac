package roottest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// Volatile are the paths whose contents legitimately move between two runs
// of the same setup: kernel and device trees, logs, temporary files and
// apt's downloaded lists and caches.
var Volatile = []string{"/proc", "/sys", "/dev", "/run", "/tmp", "/var/tmp", "/var/log",
	"/var/cache/apt", "/var/lib/apt/lists"}

// Snapshot records every path of the root except the volatile ones: type,
// mode, owner, size and a SHA-256 of the content (the target for
// symlinks). Timestamps are left out on purpose.
func Snapshot(t testing.TB, dir string, exclude ...string) map[string]string {
	t.Helper()
	skip := append(append([]string(nil), Volatile...), exclude...)
	snap := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := "/" + strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
		for _, s := range skip {
			if name == s || strings.HasPrefix(name, s+"/") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
		}
		snap[name], err = describe(p)
		return err
	})
	if err != nil {
		t.Fatalf("snapshot of %s: %v", dir, err)
	}
	return snap
}

func describe(p string) (string, error) {
	info, err := os.Lstat(p)
	if err != nil {
		return "", err
	}
	st := info.Sys().(*syscall.Stat_t)
	head := fmt.Sprintf("%v %d:%d", info.Mode(), st.Uid, st.Gid)
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		return head + " -> " + target, err
	case info.Mode().IsRegular():
		f, err := os.Open(p)
		if err != nil {
			return "", err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s %d %s", head, info.Size(), hex.EncodeToString(h.Sum(nil))[:16]), nil
	}
	return head, nil
}

// Diff lists the paths added, removed or changed between two snapshots.
func Diff(before, after map[string]string) []string {
	var out []string
	for p, a := range after {
		if b, ok := before[p]; !ok {
			out = append(out, "added   "+p+" "+a)
		} else if a != b {
			out = append(out, "changed "+p+" "+b+" => "+a)
		}
	}
	for p, b := range before {
		if _, ok := after[p]; !ok {
			out = append(out, "removed "+p+" "+b)
		}
	}
	sort.Strings(out)
	return out
}
