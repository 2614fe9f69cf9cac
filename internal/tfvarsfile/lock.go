package tfvarsfile

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"time"
)

// lockPath is the lock file of a tfvars file. It exists only while a writer
// holds the lock (a few milliseconds), so nothing is left beside the file
// for `git status` to show. It is a separate file because the tfvars file
// cannot carry the lock: the atomic rename replaces its inode.
func lockPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".lock")
}

// lockPoll is how often a waiting writer retries; writers hold the lock for
// milliseconds.
const lockPoll = 5 * time.Millisecond

// fileLock is a held lock: the lock file, created exclusively (O_EXCL,
// atomic on every OS, and on NFS since version 3), holding this writer's
// token. One implementation for every OS, so the code our tests run is the
// code every release runs.
type fileLock struct {
	path  string
	token []byte // "PID HOST NONCE\n"
}

// lock takes the lock of the tfvars file at path, waiting while another
// writer holds it and breaking a lock left by a writer that died (see
// stale). It gives up when ctx ends (a cancelled build).
func lock(ctx context.Context, path string) (*fileLock, error) {
	l := &fileLock{path: lockPath(path), token: newToken()}
	for failures := 0; ; {
		err := l.create()
		if err == nil {
			return l, nil
		}
		h, herr := readHolder(l.path)
		switch {
		case !errors.Is(err, fs.ErrExist):
			// Windows refuses to create a file whose deletion is pending
			// (a lock just released, still open in a waiter): retry a
			// while before calling it an error (a folder we may not write).
			if failures++; failures > createRetries {
				return nil, fmt.Errorf("creating the lock file %s: %w", l.path, err)
			}
		case errors.Is(herr, fs.ErrNotExist):
			continue // released meanwhile
		case herr == nil && h.stale(time.Now(), hostname()) && breakLock(l.path, h):
			continue
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the lock on %s (held by %s: another build or command is writing the file; if none is, delete the lock file): %w",
				l.path, h, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}

// createRetries bounds the retries of a lock file creation that fails
// other than "exists" (about a second).
const createRetries = 200

// create makes the lock file with this writer's token, failing with
// fs.ErrExist when another writer holds the lock.
func (l *fileLock) create() error {
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(l.token)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(l.path)
	}
	return err
}

// held reports whether the lock file still holds this writer's token, i.e.
// no other writer broke the lock as stale.
func (l *fileLock) held() bool {
	got, err := os.ReadFile(l.path)
	return err == nil && bytes.Equal(got, l.token)
}

// unlock removes the lock file if it is still this writer's. Windows
// refuses to remove a file while another process has it open (a waiter
// reading the token), so the removal is retried for a while.
func (l *fileLock) unlock() {
	if !l.held() {
		log.Printf("[WARN] the lock %s was broken by another writer while this one held it", l.path)
		return
	}
	for i := 0; ; i++ {
		err := os.Remove(l.path)
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			return
		}
		if i == 200 {
			log.Printf("[WARN] removing the lock file %s: %v (delete it by hand)", l.path, err)
			return
		}
		time.Sleep(lockPoll)
	}
}

func newToken() []byte {
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	return fmt.Appendf(nil, "%d %s %s\n", os.Getpid(), hostname(), hex.EncodeToString(nonce))
}

// hostname names this machine in lock tokens ("unknown" when the OS does
// not say; such locks are only broken by age).
func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
}
