package setup

import (
	"os/exec"
	"testing"
)

// TestShellQuoteRoundTrip hands ugly strings through a real /bin/sh and
// checks that each arrives as exactly one unchanged word.
func TestShellQuoteRoundTrip(t *testing.T) {
	ugly := []string{
		"", "plain", "two words", "it's", "'", "''", `"double"`, `back\slash`, "$HOME", "`id`",
		"$(id)", "a;b", "a && b", "*", "?", "[a]", "~", "new\nline", "tab\there", "#comment",
		"-n", "--", "x'\"'\"y", "ünïcödé", "a\\'b", "!bang", "{a,b}", "trailing\\",
	}
	for _, s := range ugly {
		out, err := exec.Command("/bin/sh", "-c", `printf '%s|' "$#" "$1"`+` ; printf end`, "sh", s).Output()
		if err != nil {
			t.Fatalf("sh for %q: %v", s, err)
		}
		// The sh -c argument above does not use the quoting; this one does.
		got, err := exec.Command("/bin/sh", "-c", "printf '%s' "+shellQuote(s)).Output()
		if err != nil {
			t.Fatalf("quoted %q: %v", s, err)
		}
		if string(got) != s {
			t.Errorf("shellQuote(%q) = %s came back as %q", s, shellQuote(s), got)
		}
		if string(out) != "1|"+s+"|end" {
			t.Fatalf("test harness broken for %q: %q", s, out)
		}
	}
}

func TestShellWordsCountsWords(t *testing.T) {
	out, err := exec.Command("/bin/sh", "-c", `set -- `+shellWords("a b", "", "c'd", "*")+`; printf '%s' "$#"`).Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "4" {
		t.Errorf("shellWords gave %s words, want 4", out)
	}
}
