package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// A slot is a work folder holding a copy of the repository in which one
// break at a time is applied and tested. Slots live in the tool cache and
// keep their path from run to run, so Go's build cache (whose keys hold a
// package's folder) rebuilds only the packages a break changes.
type slot struct {
	dir  string
	lock *os.File
}

// openSlot claims slot n under base, waiting for another run that holds it.
func openSlot(base string, n int) (*slot, error) {
	dir := filepath.Join(base, fmt.Sprintf("slot-%d", n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	return &slot{dir: dir, lock: f}, nil
}

func (s *slot) close() { _ = s.lock.Close() }

// sourceFiles lists the repository's files as the working tree has them:
// tracked ones (with uncommitted changes) and untracked ones git does not
// ignore, so a catalogue or test being written is tried as it is.
func sourceFiles(root string) ([]string, error) {
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return nil, fmt.Errorf("listing the repository's files: %w", err)
	}
	var files []string
	seen := map[string]bool{}
	for _, f := range strings.Split(string(out), "\x00") {
		if f == "" || seen[f] {
			continue
		}
		seen[f] = true
		if fi, err := os.Lstat(filepath.Join(root, f)); err == nil && fi.Mode().IsRegular() {
			files = append(files, f) // deleted files are gone from the tree
		}
	}
	return files, nil
}

// sync makes the slot an exact copy of files from root (content and
// executable bit), writing only what differs, then writes changes over it.
func (s *slot) sync(root string, files []string, changes map[string][]byte) error {
	keep := map[string]bool{}
	for _, f := range files {
		keep[filepath.FromSlash(f)] = true
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return err
		}
		if c, ok := changes[f]; ok {
			data = c
		}
		fi, err := os.Stat(filepath.Join(root, f))
		if err != nil {
			return err
		}
		if err := writeIfDifferent(filepath.Join(s.dir, f), data, fi.Mode().Perm()); err != nil {
			return err
		}
	}
	return s.removeOthers(keep)
}

// removeOthers deletes what tests or earlier versions left in the slot.
func (s *slot) removeOthers(keep map[string]bool) error {
	var dirs []string
	err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(s.dir, p)
		switch {
		case rel == ".":
		case d.IsDir():
			dirs = append(dirs, p)
		case !keep[rel]:
			return os.Remove(p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		_ = os.Remove(dirs[i]) // only empty ones go
	}
	return err
}

func writeIfDifferent(path string, data []byte, mode fs.FileMode) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm() == mode {
			return nil
		}
		return os.Chmod(path, mode)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	_ = os.Remove(path) // a read-only file left by a test
	return os.WriteFile(path, data, mode)
}
