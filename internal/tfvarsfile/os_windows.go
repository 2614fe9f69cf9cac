//go:build windows

package tfvarsfile

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// tryLock takes an exclusive LockFileEx lock on f without waiting; busy
// when another handle holds it.
func tryLock(f *os.File) (busy bool, err error) {
	var ol windows.Overlapped
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return true, nil
	}
	return false, err
}

// owner is unknown on Windows: files keep the ACL of their folder.
func owner(fs.FileInfo) (uid, gid int) { return -1, -1 }

// syncDir is a no-op on Windows, where a folder handle cannot be flushed;
// MoveFileEx (os.Rename) is atomic there.
func syncDir(string) error { return nil }
