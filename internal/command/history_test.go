package command

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// TestHistoryAndRollbackKeepToTheirVariable: a tfvars file can hold the
// images of several templates (ami_id, db_ami_id), each recorded in the one
// history file; history shows, and rollback walks, only the variable asked
// for.
func TestHistoryAndRollbackKeepToTheirVariable(t *testing.T) {
	const db1, db2 = "ami-0d000000000000001", "ami-0d000000000000002"
	path := built(t, v1)
	for _, db := range []string{db1, db2} {
		e := tfvarsfile.Entry{Action: tfvarsfile.ActionBuild, Variable: "db_ami_id", Value: db}
		if _, err := tfvarsfile.Update(context.Background(), path, e, 0); err != nil {
			t.Fatal(err)
		}
	}
	record(t, path, "build", v2, "ami-0aaaaaaaaaaaaaaaa")
	code, out, _ := run(t, "history", "-file", path, "-variable", "db_ami_id")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 3 || strings.Contains(out, v1) {
		t.Errorf("history of db_ami_id: %d\n%s\nwant its two entries only", code, out)
	}
	if code, _, errOut := run(t, "rollback", "-file", path); code != 0 || value(t, path, "ami_id") != v1 {
		t.Errorf("rollback of ami_id: %d %s; ami_id %s, want %s", code, errOut, value(t, path, "ami_id"), v1)
	}
	if code, _, errOut := run(t, "rollback", "-file", path, "-variable", "db_ami_id"); code != 0 || value(t, path, "db_ami_id") != db1 || value(t, path, "ami_id") != v1 {
		t.Errorf("rollback of db_ami_id: %d %s; db_ami_id %s (want %s), ami_id %s (want %s)", code, errOut, value(t, path, "db_ami_id"), db1, value(t, path, "ami_id"), v1)
	}
}

// TestHistoryMarksNothingWhenTheValueWasWrittenByHand: * marks the current
// value's entry; a value the history does not hold marks none.
func TestHistoryMarksNothingWhenTheValueWasWrittenByHand(t *testing.T) {
	path := built(t, v1, v2)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(src), v2, v3, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "history", "-file", path)
	if code != 0 || strings.Contains(out, "*") {
		t.Errorf("history with %s written by hand: %d\n%s\nwant no entry marked current", v3, code, out)
	}
}
