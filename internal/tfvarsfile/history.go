package tfvarsfile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// DefaultKeepHistory is how many history entries are kept by default.
const DefaultKeepHistory = 10

// Actions recorded in the history.
const (
	ActionBuild    = "build"
	ActionRollback = "rollback"
	ActionPromote  = "promote"
	// ActionFound records a value that was in the file before a write and
	// that no entry records (written by hand): rollback can return to it.
	ActionFound = "found"
)

// Entry is one write to a tfvars file: which value was set, when, and where it
// came from. The history file holds one JSON object per line, oldest first,
// so each write shows in `git diff` as one added line.
type Entry struct {
	Time        time.Time         `json:"time"`
	Action      string            `json:"action"`
	Variable    string            `json:"variable"`
	Value       string            `json:"value"`
	MapVariable string            `json:"map_variable,omitempty"`
	Images      map[string]string `json:"images,omitempty"`
	Build       string            `json:"build,omitempty"`
	SourceAMI   string            `json:"source_ami,omitempty"`
	RunUUID     string            `json:"packer_run_uuid,omitempty"`
	From        string            `json:"from,omitempty"`
	// Raw holds, for a value found in the file, the exact source text of
	// each variable's value ("" for an attribute that was absent), so that
	// rollback restores it byte for byte.
	Raw map[string]string `json:"raw,omitempty"`
}

// HistoryPath is the history file kept beside the tfvars file at path, e.g.
// terraform.tfvars.history.jsonl (Terraform does not load it).
func HistoryPath(path string) string { return path + ".history.jsonl" }

// ReadHistory returns the entries recorded for the tfvars file at path,
// oldest first; none when the history file does not exist.
func ReadHistory(path string) ([]Entry, error) {
	hp := HistoryPath(path)
	data, err := os.ReadFile(hp)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading history: %w", err)
	}
	var entries []Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("%w: %s:%d is not a history entry (%v): fix or delete that line", ErrInvalid, hp, line, err)
		}
		entries = append(entries, e)
	}
	return entries, sc.Err()
}

// renderHistory returns the last keep entries of entries, one JSON object
// per line.
func renderHistory(entries []Entry, keep int) ([]byte, error) {
	if keep <= 0 {
		keep = DefaultKeepHistory
	}
	if len(entries) > keep {
		entries = entries[len(entries)-keep:]
	}
	var b bytes.Buffer
	for _, e := range entries {
		line, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("encoding history entry: %w", err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}
