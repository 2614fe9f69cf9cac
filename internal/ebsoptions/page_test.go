package ebsoptions

import (
	"strings"
	"testing"
)

const page = "# T\n\n" + coverageStart + "\nold\n" + coverageEnd + "\n\n| Option | amazon-ebs | Here | Notes |\n|---|---|---|---|\n" +
	"| `a` | 1.2.1 | same | |\n| `b.c` | 1.3.4 | different | default differs |\n| `d` | 1.2.1 | not supported | Windows |\n"

// TestParsePageAndCoverage: rows are read with their status; the coverage
// line counts them and SetCoverage is idempotent.
func TestParsePageAndCoverage(t *testing.T) {
	rows, err := ParsePage(page)
	if err != nil || len(rows) != 3 || rows[1].Path != "b.c" || rows[1].Since != "1.3.4" || rows[2].Status != Unsupported {
		t.Fatalf("rows %+v, %v", rows, err)
	}
	got, err := SetCoverage(page)
	if err != nil || !strings.Contains(got, "**Coverage: 2 of 3 amazon-ebs options (66.7%) work in immutable-ami** — 1 the same, 1 with") {
		t.Fatalf("coverage: %v\n%s", err, got)
	}
	if again, _ := SetCoverage(got); again != got {
		t.Error("SetCoverage is not idempotent")
	}
}

// TestParsePageRefusesBadRows: an unknown status, a status other than
// same without a reason, and a path listed twice are errors naming the line.
func TestParsePageRefusesBadRows(t *testing.T) {
	bad := page + "| `a` | 1.2.1 | same | |\n| `e` | 1.2.1 | partly | x |\n| `f` | 1.2.1 | different | |\n"
	_, err := ParsePage(bad)
	for _, want := range []string{"a is already on line", `e has status "partly"`, `f is "different": say why`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if _, err := SetCoverage("no markers\n"); err == nil {
		t.Error("a page without coverage markers was accepted")
	}
}
