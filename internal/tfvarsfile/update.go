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

// Result says what Update or Modify did.
type Result struct {
	Path     string // the file written (symlinks resolved)
	Changed  bool   // false when the values were already current
	Created  bool   // the file did not exist before
	Previous string // the variable's value before ("" when it had none)
	Value    string // the value the entry sets
}

// State is a tfvars file and its history as a writer finds them: read
// under the file's lock, so nothing changes them until the write is done.
type State struct {
	Path    string // symlinks resolved
	Src     []byte // the file's bytes; nil when it does not exist yet
	History []Entry
}

// Get returns the value of variable name in the file (found=false when it
// is absent or null).
func (s State) Get(name string, wantMap bool) (v Value, found bool, err error) {
	return Get(s.Src, s.Path, name, wantMap)
}

// Update sets e.Variable to e.Value (and e.MapVariable, when set, to
// e.Images) in the tfvars file at path and records e in its history,
// keeping the last keep entries. It creates a missing file but not a
// missing folder. When the values are already current nothing is written.
// Any validation error leaves the file untouched.
func Update(ctx context.Context, path string, e Entry, keep int) (Result, error) {
	return Modify(ctx, path, keep, func(State) (Entry, error) { return e, nil })
}

// Modify is Update with the entry chosen by decide from the file's state,
// all under the file's lock: a rollback picks its target from the history
// it is about to extend, so a build writing meanwhile can neither be lost
// nor make it roll back to a stale value. A value the history does not
// hold yet (written by hand) is recorded first, as a "found" entry, so that
// rollback can restore it byte for byte.
func Modify(ctx context.Context, path string, keep int, decide func(State) (Entry, error)) (Result, error) {
	path, err := resolve(path)
	if err != nil {
		return Result{}, err
	}
	l, err := lock(ctx, path)
	if err != nil {
		return Result{}, err
	}
	defer l.unlock()

	s := State{Path: path}
	s.Src, err = os.ReadFile(path)
	created := errors.Is(err, fs.ErrNotExist)
	if err != nil && !created {
		return Result{}, fmt.Errorf("reading %s: %w", path, err)
	}
	if s.History, err = ReadHistory(path); err != nil { // a broken history stops us before any write
		return Result{}, err
	}
	e, err := decide(s)
	if err != nil {
		return Result{Path: path}, err
	}
	res, err := write(l, s, e, keep)
	res.Created = res.Changed && created
	return res, err
}

// write applies e to the state read under lock l.
func write(l *fileLock, s State, e Entry, keep int) (Result, error) {
	body, err := parse(s.Src, s.Path)
	if err != nil {
		return Result{}, err
	}
	res := Result{Path: s.Path, Value: e.Value}
	if prev, _, set, err := current(s.Src, body, e.Variable, Value{}); err == nil && set {
		res.Previous = prev.String
	}
	out, changed, err := setParsed(s.Src, body, edits(e))
	if err != nil || !changed {
		return res, err
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC().Truncate(time.Second)
	entries := s.History
	if f, ok := found(s.Src, body, s.History, e); ok {
		entries = append(entries, f)
	}
	hist, err := renderHistory(append(entries, e), keep)
	if err != nil {
		return Result{}, err
	}
	if !l.held() {
		return Result{}, fmt.Errorf("the lock %s was taken over by another writer (this one took too long): nothing was written; run again", l.path)
	}
	// The file sorts before its history, so a crash between the two renames
	// can leave a value without its history entry, never the reverse.
	if err := writeAllAtomic(map[string][]byte{s.Path: out, HistoryPath(s.Path): hist}); err != nil {
		return Result{}, err
	}
	res.Changed = true
	return res, nil
}

// edits turns a history entry into the edits that make it current. A
// value recorded as found in the file (Raw) is restored as it was written;
// a map recorded as absent is removed.
func edits(e Entry) []Edit {
	out := []Edit{{Name: e.Variable, Value: StringValue(e.Value), Raw: e.Raw[e.Variable]}}
	if e.MapVariable != "" {
		raw, recorded := e.Raw[e.MapVariable]
		out = append(out, Edit{Name: e.MapVariable, Value: MapValue(e.Images), Raw: raw, Remove: recorded && raw == ""})
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
