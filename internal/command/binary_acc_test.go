//go:build acc

package command

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

func runBinary(t *testing.T, bin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

func TestBinary(t *testing.T) {
	// The real binary, main.go included: our subcommands are handled, the
	// plugin protocol is not disturbed.
	bin := packertest.BuildPlugin(t, t.TempDir(), false)

	code, out, _ := runBinary(t, bin, "describe")
	if code != 0 || !strings.Contains(out, `"post_processors":["tfvars"]`) {
		t.Errorf("describe (plugin protocol) broken: %d %q", code, out)
	}
	if code, out, _ := runBinary(t, bin, "rollback", "-h"); code != 0 || !strings.Contains(out, "Usage: packer-plugin-immutable rollback") {
		t.Errorf("rollback -h: %d %q", code, out)
	}
	if code, _, errOut := runBinary(t, bin, "promote"); code != 2 || !strings.Contains(errOut, "-from and -to are both required") {
		t.Errorf("promote without flags: %d %q", code, errOut)
	}

	path := built(t, v1, v2)
	code, out, errOut := runBinary(t, bin, "rollback", "-file", path)
	if code != 0 || value(t, path, "ami_id") != v1 {
		t.Fatalf("rollback: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runBinary(t, bin, "history", "-file", path); code != 0 || !strings.Contains(out, "*  ") || strings.Count(out, "\n") != 4 {
		t.Errorf("history: %d\n%s", code, out)
	}
	prod := filepath.Join(filepath.Dir(path), "prod.tfvars")
	if code, _, errOut := runBinary(t, bin, "promote", "-from", path, "-to", prod); code != 0 || value(t, prod, "ami_id") != v1 {
		t.Errorf("promote: %d %s", code, errOut)
	}

	broken := []byte("ami_id = \"" + v1 + "\"\nami_id = \"" + v2 + "\"\n")
	if err := os.WriteFile(prod, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runBinary(t, bin, "promote", "-from", path, "-to", prod)
	if got, _ := os.ReadFile(prod); code != 1 || !strings.Contains(errOut, `appears twice`) || !bytes.Equal(got, broken) {
		t.Errorf("promote onto a broken file: %d %q, file %q", code, errOut, got)
	}

	// A number as a region key once crashed the binary (stack trace, exit 2).
	numbered := []byte("ami_id = \"" + v1 + "\"\nami_ids = { 0 = \"" + v1 + "\" }\n")
	if err := os.WriteFile(prod, numbered, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runBinary(t, bin, "promote", "-from", path, "-to", prod, "-map-variable", "ami_ids")
	if got, _ := os.ReadFile(prod); code != 1 || !strings.Contains(errOut, `has the key 0, which is a number`) || strings.Contains(errOut, "goroutine") || !bytes.Equal(got, numbered) {
		t.Errorf("promote onto a map with a number key: %d %q, file %q", code, errOut, got)
	}
}
