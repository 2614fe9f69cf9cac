//go:build windows

package tfvarsfile

import "io/fs"

// owner is unknown on Windows: files keep the ACL of their folder, and
// there is no uid to give back.
func owner(fs.FileInfo) (uid, gid int) { return -1, -1 }

// syncDir is a no-op on Windows, where a folder handle cannot be flushed;
// MoveFileEx (os.Rename) is atomic there.
func syncDir(string) error { return nil }
