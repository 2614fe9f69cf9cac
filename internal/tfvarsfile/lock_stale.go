package tfvarsfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	// staleAfter: a writer holds the lock for milliseconds (read, splice,
	// two fsyncs), so a lock this old was left by a writer that died, on
	// this machine or another one sharing the folder.
	staleAfter = time.Minute
	// deadGrace: the lock of a process of this machine that no longer runs
	// is broken once it is this old. The grace keeps a lock taken a moment
	// ago by a process this one cannot see (another PID namespace with the
	// same host name) from being broken.
	deadGrace = 2 * time.Second
)

// holder is what a lock file says about the writer holding it.
type holder struct {
	content []byte
	mod     time.Time
	pid     int    // 0 when the token is unreadable (still being written)
	host    string //
}

func readHolder(path string) (holder, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return holder{}, err
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return holder{}, err
	}
	h := holder{content: content, mod: fi.ModTime()}
	if f := strings.Fields(string(content)); len(f) == 3 {
		h.pid, _ = strconv.Atoi(f[0])
		h.host = f[1]
	}
	return h, nil
}

func (h holder) String() string {
	switch {
	case h.mod.IsZero():
		return "another writer"
	case h.pid == 0:
		return fmt.Sprintf("a writer since %s", h.mod.Format(time.RFC3339))
	}
	return fmt.Sprintf("process %d on %s since %s", h.pid, h.host, h.mod.Format(time.RFC3339))
}

// stale reports whether the lock was left by a writer that died: it is
// older than staleAfter, or it is a bit older than deadGrace and its
// process, on this machine, no longer runs.
func (h holder) stale(now time.Time, host string) bool {
	age := now.Sub(h.mod)
	if age > staleAfter {
		return true
	}
	return h.pid > 0 && h.host == host && age > deadGrace && !processAlive(h.pid)
}

// breakLock removes the stale lock h. Writers that find it stale at the
// same moment take turns through a second lock file, and each removes the
// lock only if it is still the one it found stale: otherwise it would
// remove a lock another writer has just taken. A break lock is held for
// microseconds; one older than deadGrace was left by a writer that died.
func breakLock(path string, h holder) (removed bool) {
	bp := path + ".break"
	f, err := os.OpenFile(bp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		if fi, err := os.Stat(bp); err == nil && time.Since(fi.ModTime()) > deadGrace {
			_ = os.Remove(bp)
		}
		return false // the caller retries
	}
	_ = f.Close()
	defer os.Remove(bp)
	now, err := readHolder(path)
	if err != nil || !bytes.Equal(now.content, h.content) || !now.mod.Equal(h.mod) {
		return errors.Is(err, fs.ErrNotExist)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	log.Printf("[INFO] removed the stale lock %s of %s", path, h)
	return true
}

// processAlive reports whether process pid of this machine still runs,
// with the os package alone, which answers this the same on every OS in
// its own way: on Unix FindProcess always succeeds and signal 0 fails with
// ErrProcessDone for a process that is gone; on Windows FindProcess fails
// for a process that is gone (and signal 0 is not supported, an error
// that is not ErrProcessDone). A process we may not signal exists.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return errors.Is(err, os.ErrPermission)
	}
	defer p.Release()
	return !errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone)
}
