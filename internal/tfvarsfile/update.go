package tfvarsfile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Result says what Update did.
type Result struct {
	Path    string // the file written (symlinks resolved)
	Changed bool   // false when the values were already current
	Created bool   // the file did not exist before
}

// Update sets e.Variable to e.Value (and e.MapVariable, when set, to
// e.Images) in the tfvars file at path and records e in its history, keeping
// the last keep entries. It holds the file's lock for the whole
// read-modify-write, so concurrent builds and commands lose no update. It
// creates a missing file but not a missing folder. When the values are
// already current nothing is written. Any validation error leaves the file
// untouched.
func Update(ctx context.Context, path string, e Entry, keep int) (Result, error) {
	path, err := resolve(path)
	if err != nil {
		return Result{}, err
	}
	unlock, err := lock(ctx, path)
	if err != nil {
		return Result{}, err
	}
	defer unlock()

	src, err := os.ReadFile(path)
	created := errors.Is(err, fs.ErrNotExist)
	if err != nil && !created {
		return Result{}, fmt.Errorf("reading %s: %w", path, err)
	}
	history, err := ReadHistory(path) // a broken history stops us before any write
	if err != nil {
		return Result{}, err
	}
	out, changed, err := Set(src, path, edits(e)...)
	if err != nil || !changed {
		return Result{Path: path}, err
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC().Truncate(time.Second)
	hist, err := renderHistory(append(history, e), keep)
	if err != nil {
		return Result{}, err
	}
	// The file sorts before its history, so a crash between the two renames
	// can leave a value without its history entry, never the reverse.
	if err := writeAllAtomic(map[string][]byte{path: out, HistoryPath(path): hist}); err != nil {
		return Result{}, err
	}
	return Result{Path: path, Changed: true, Created: created}, nil
}

// edits turns a history entry into the edits that make it current.
func edits(e Entry) []Edit {
	out := []Edit{{Name: e.Variable, Value: StringValue(e.Value)}}
	if e.MapVariable != "" {
		out = append(out, Edit{Name: e.MapVariable, Value: MapValue(e.Images)})
	}
	return out
}

// resolve follows a symlinked tfvars file to its target, so the atomic
// rename replaces the target and keeps the link, and checks that the folder
// exists (a missing folder is almost always a wrong path, not a folder to
// create).
func resolve(path string) (string, error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return "", fmt.Errorf("%w: folder %s of %s does not exist: create it or fix the path", ErrInvalid, dir, path)
	}
	return path, nil
}

// Read returns the value of variable name in the tfvars file at path, and
// found=false when the file or the attribute is missing.
func Read(path, name string, wantMap bool) (v Value, found bool, err error) {
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Value{}, false, nil
	}
	if err != nil {
		return Value{}, false, fmt.Errorf("reading %s: %w", path, err)
	}
	return Get(src, path, name, wantMap)
}
