package tfvarsfile

import (
	"errors"
	"fmt"
)

// ErrNoEarlier is returned by Before when the history holds no image
// before the current one.
var ErrNoEarlier = errors.New("no earlier image is recorded in the history")

// ForVariable keeps the entries that set variable.
func ForVariable(entries []Entry, variable string) []Entry {
	var out []Entry
	for _, e := range entries {
		if e.Variable == variable {
			out = append(out, e)
		}
	}
	return out
}

// Before returns the entry a rollback from current restores, from one
// variable's history (oldest first): the value recorded before the newest
// build, promotion or found value equal to current. Rollbacks themselves
// are skipped, so calling Before again on its result walks further back
// instead of toggling.
func Before(history []Entry, current string) (Entry, error) {
	var recorded []Entry
	for _, e := range history {
		if e.Action != ActionRollback {
			recorded = append(recorded, e)
		}
	}
	at := -1
	for i := len(recorded) - 1; i >= 0 && at < 0; i-- {
		if recorded[i].Value == current {
			at = i
		}
	}
	if at < 0 {
		return Entry{}, fmt.Errorf("the current value %q is not in the history", current)
	}
	for i := at - 1; i >= 0; i-- {
		if recorded[i].Value != current {
			return recorded[i], nil
		}
	}
	return Entry{}, ErrNoEarlier
}

// Newest returns the newest entry of history that holds value.
func Newest(history []Entry, value string) (Entry, bool) {
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Value == value {
			return history[i], true
		}
	}
	return Entry{}, false
}
