//go:build acc

package setup

import (
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/roottest"
)

// TestScriptsInlineAndFailures runs scripts and inline commands in a real
// Debian root through the default execute_command (sudo), then a failing
// inline command, and checks the error names the step and exit code.
func TestScriptsInlineAndFailures(t *testing.T) {
	t.Parallel()
	root := roottest.Root(t)
	out, err := provision(t, root, map[string]interface{}{
		"scripts":          []string{"testdata/hello.sh"},
		"inline":           []string{"echo \"inline says $GREETING\"", "id -u >/inline-uid"},
		"environment_vars": []string{"GREETING=it's a \"test\" $HOME"},
		"seal":             false,
	}, nil)
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	for _, want := range []string{
		"[2/3] script hello.sh", "hello from script-1-hello.sh as uid 0", "[3/3] inline commands",
		`inline says it's a "test" $HOME`, "immutable-setup: 3 steps done",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if got := read(t, root, "greeting"); got != "it's a \"test\" $HOME\n" {
		t.Errorf("the script saw GREETING=%q", got)
	}
	if got := read(t, root, "inline-uid"); got != "0\n" {
		t.Errorf("inline ran as uid %q, want root", got)
	}
	noRunDirLeft(t, root)
	checkFailures(t, root)
}

// checkFailures: a failing step, and sudo refusing before any step.
func checkFailures(t *testing.T, root string) {
	out, err := provision(t, root, map[string]interface{}{
		"scripts": []string{"testdata/hello.sh"},
		"inline":  []string{"echo about to fail", "exit 7"},
		"seal":    false,
	}, nil)
	if err == nil {
		t.Fatal("a failing inline command did not fail the provisioner")
	}
	for _, want := range []string{`step 3/3 "inline commands" failed with exit code 7`, "about to fail"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(out, "@@immutable-setup") {
		t.Errorf("the failure marker leaked into the UI:\n%s", out)
	}
	noRunDirLeft(t, root)

	// sudo refusing to run (as without NOPASSWD) fails before any step.
	_, err = provision(t, root, map[string]interface{}{
		"inline":          []string{"true"},
		"execute_command": "echo 'sudo: a password is required' >&2; exit 1",
	}, nil)
	if err == nil || !strings.Contains(err.Error(), "exited with code 1 before finishing a step") ||
		!strings.Contains(err.Error(), "sudo: a password is required") {
		t.Errorf("error %v should explain that the program never ran a step", err)
	}
	noRunDirLeft(t, root)
}
