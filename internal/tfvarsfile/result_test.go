package tfvarsfile

import (
	"context"
	"testing"
)

// TestUpdateReportsThePreviousValue: the result names the value replaced
// (what rollback and promote print as "old" -> "new"), and "" when there
// was none.
func TestUpdateReportsThePreviousValue(t *testing.T) {
	path := seeded(t, "region = \"us-east-1\"\n")
	for _, want := range []struct{ value, previous string }{{"ami-11111111", ""}, {"ami-22222222", "ami-11111111"}} {
		res, err := Update(context.Background(), path, Entry{Variable: "ami_id", Value: want.value}, 0)
		if err != nil || res.Previous != want.previous || res.Value != want.value {
			t.Errorf("Update(%s) = %+v, %v; want Previous %q", want.value, res, err, want.previous)
		}
	}
}
