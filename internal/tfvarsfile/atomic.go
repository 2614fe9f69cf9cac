package tfvarsfile

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// writeAtomic replaces path with data so that a reader (or a crash) sees
// either the old file or the new one, never a part: write a temporary file in
// the same folder, fsync it, rename it over path, fsync the folder. The new
// file keeps the old one's mode and owner (0644 and the caller's for a new
// file).
func writeAtomic(path string, data []byte) error {
	return writeAllAtomic(map[string][]byte{path: data})
}

// writeAllAtomic writes several files of one folder (the tfvars file and its
// history) each atomically, with one folder fsync for all the renames.
func writeAllAtomic(files map[string][]byte) error {
	staged := map[string]string{} // path → its synced temporary file
	defer func() {
		for _, tmp := range staged {
			_ = os.Remove(tmp) // left only when something failed
		}
	}()
	dir := ""
	for path, data := range files {
		tmp, err := stage(path, data)
		if err != nil {
			return err
		}
		staged[path], dir = tmp, filepath.Dir(path)
	}
	for _, path := range slices.Sorted(maps.Keys(staged)) {
		if err := os.Rename(staged[path], path); err != nil {
			return fmt.Errorf("replacing %s: %w", path, err)
		}
		delete(staged, path)
	}
	return syncDir(dir)
}

// stage writes data to a synced temporary file beside path, with path's mode
// and owner, and returns its name.
func stage(path string, data []byte) (name string, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("creating a temporary file beside %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = keepModeAndOwner(tmp, path); err != nil {
		return "", err
	}
	if _, err = tmp.Write(data); err != nil {
		return "", fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err = tmp.Sync(); err != nil {
		return "", fmt.Errorf("syncing %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return "", fmt.Errorf("closing %s: %w", tmp.Name(), err)
	}
	return tmp.Name(), nil
}

// keepModeAndOwner gives tmp the mode and owner of the file it replaces.
func keepModeAndOwner(tmp *os.File, path string) error {
	mode, uid, gid := fs.FileMode(0o644), -1, -1
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
		uid, gid = owner(fi)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading the mode of %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("setting mode %v on %s: %w", mode, tmp.Name(), err)
	}
	if uid >= 0 && (uid != os.Getuid() || gid != os.Getgid()) {
		if err := tmp.Chown(uid, gid); err != nil {
			// Only root may give a file away; anyone else writes as themself.
			log.Printf("[DEBUG] keeping owner %d:%d of %s: %v", uid, gid, path, err)
		}
	}
	return nil
}
