package command

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

const (
	v1 = "ami-00000000000000001"
	v2 = "ami-00000000000000002"
	v3 = "ami-00000000000000003"
)

// run runs a subcommand in-process and returns its exit code and output.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code, handled := Run(args, &out, &errOut)
	if !handled {
		t.Fatalf("Run(%q) not handled", args)
	}
	return code, out.String(), errOut.String()
}

// built writes a tfvars file in a fresh folder and records the values as
// successive builds (as the post-processor does); the last one is current.
func built(t *testing.T, values ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "terraform.tfvars")
	if err := os.WriteFile(path, []byte("region = \"us-east-1\" # keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, v := range values {
		e := tfvarsfile.Entry{Action: tfvarsfile.ActionBuild, Variable: "ami_id", Value: v, Build: "immutable-ami.web",
			MapVariable: "ami_ids", Images: map[string]string{"us-east-1": v, "us-west-2": strings.Replace(v, "ami-0", "ami-f", 1)},
			Time: time.Date(2026, 11, 26, 1, i, 0, 0, time.UTC)}
		if _, err := tfvarsfile.Update(context.Background(), path, e, 0); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func value(t *testing.T, path, name string) string {
	t.Helper()
	v, _, err := tfvarsfile.Read(path, name, false)
	if err != nil {
		t.Fatal(err)
	}
	return v.String
}

func TestNotOurs(t *testing.T) {
	for _, args := range [][]string{nil, {"describe"}, {"start", "builder", "ami"}, {"version"}} {
		if _, handled := Run(args, &bytes.Buffer{}, &bytes.Buffer{}); handled {
			t.Errorf("Run(%q) handled; it belongs to the plugin protocol", args)
		}
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"history", "-h"}, {"rollback", "-h"}, {"promote", "--help"}} {
		code, out, errOut := run(t, args...)
		if code != 0 || !strings.Contains(out, "Usage: packer-plugin-immutable") && !strings.Contains(out, "Usage:\n") || errOut != "" {
			t.Errorf("%q: code %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	for _, args := range [][]string{{"history"}, {"rollback", "-file"}, {"promote", "-from", "a"}, {"history", "-file", "x", "extra"},
		{"rollback", "-file", "x", "-to", "ami-nothex"}, {"history", "-bogus"}} {
		code, out, errOut := run(t, args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "error: ") || !strings.Contains(errOut, "Flags:") {
			t.Errorf("%q: code %d, stdout %q, stderr %q; want 2 and usage on stderr", args, code, out, errOut)
		}
	}
}

func TestHistory(t *testing.T) {
	path := built(t, v1, v2)
	code, out, _ := run(t, "history", "-file", path)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.Contains(lines[1], v1) || !strings.HasPrefix(lines[2], "*") ||
		!strings.Contains(lines[2], v2) || !strings.Contains(lines[2], "us-east-1,us-west-2") || !strings.Contains(lines[2], "2026-11-26T01:01:00Z") {
		t.Errorf("history: %d\n%s", code, out)
	}
	code, out, _ = run(t, "history", "-file", filepath.Join(t.TempDir(), "none.tfvars"))
	if code != 0 || !strings.Contains(out, "No history of ami_id") {
		t.Errorf("no history: %d %q", code, out)
	}
}

func TestRollbackWalksBackAndIsRecorded(t *testing.T) {
	path := built(t, v1, v2, v3)
	for _, want := range []string{v2, v1} {
		code, out, errOut := run(t, "rollback", "-file", path) // ami_ids follows: the history records it
		if code != 0 || value(t, path, "ami_id") != want || !strings.Contains(out, "terraform apply") {
			t.Fatalf("rollback: code %d, ami_id %s (want %s)\n%s%s", code, value(t, path, "ami_id"), want, out, errOut)
		}
	}
	m, _, _ := tfvarsfile.Read(path, "ami_ids", true)
	if m.Map["us-east-1"] != v1 || m.Map["us-west-2"] != "ami-f0000000000000001" {
		t.Errorf("ami_ids = %v after rolling back to %s", m.Map, v1)
	}
	code, _, errOut := run(t, "rollback", "-file", path)
	if code != 1 || !strings.Contains(errOut, "no earlier image") {
		t.Errorf("rollback past the oldest: %d %q", code, errOut)
	}
	if code, _, _ := run(t, "rollback", "-file", path, "-to", v3); code != 0 || value(t, path, "ami_id") != v3 {
		t.Errorf("rollback -to: %d, %s", code, value(t, path, "ami_id"))
	}
	h, _ := tfvarsfile.ReadHistory(path)
	if last := h[len(h)-1]; last.Action != "rollback" || last.Value != v3 || len(h) != 6 {
		t.Errorf("history after rollbacks: %+v", h)
	}
	if src, _ := os.ReadFile(path); !strings.HasPrefix(string(src), "region = \"us-east-1\" # keep\nami_id = \""+v3+"\"\n") {
		t.Errorf("file: %q", src)
	}
}

func TestRollbackRefusesAndLeavesFileUntouched(t *testing.T) {
	path := built(t, v1)
	before, _ := os.ReadFile(path)
	code, _, errOut := run(t, "rollback", "-file", path)
	if code != 1 || !strings.Contains(errOut, "no earlier image") {
		t.Errorf("single entry: %d %q", code, errOut)
	}
	module := t.TempDir()
	_ = os.WriteFile(filepath.Join(module, "variables.tf"), []byte("variable \"image\" {}\n"), 0o644)
	code, _, errOut = run(t, "rollback", "-file", path, "-to", v2, "-module-dir", module)
	if code != 1 || !strings.Contains(errOut, `declares no variable "ami_id" (it declares: image)`) {
		t.Errorf("module check: %d %q", code, errOut)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a refused rollback changed the file")
	}
}

func TestPromote(t *testing.T) {
	staging := built(t, v1, v2)
	prod := filepath.Join(t.TempDir(), "prod.tfvars")
	if err := os.WriteFile(prod, []byte("# production\r\nregion = \"us-east-1\"\r\nami_id = \""+v1+"\"\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "promote", "-from", staging, "-to", prod, "-map-variable", "ami_ids")
	if code != 0 {
		t.Fatalf("promote: %d %s %s", code, out, errOut)
	}
	want := "# production\r\nregion = \"us-east-1\"\r\nami_id = \"" + v2 + "\"\r\nami_ids = {\r\n  \"us-east-1\" = \"" + v2 +
		"\"\r\n  \"us-west-2\" = \"ami-f0000000000000002\"\r\n}\r\n"
	if got, _ := os.ReadFile(prod); string(got) != want {
		t.Errorf("prod.tfvars = %q\nwant %q", got, want)
	}
	h, _ := tfvarsfile.ReadHistory(prod)
	if len(h) != 2 || h[0].Action != "found" || h[0].Value != v1 || h[1].Action != "promote" || h[1].From != staging || h[1].Build != "immutable-ami.web" {
		t.Errorf("prod history: %+v; want the hand-written value, then the promotion", h)
	}
	if code, out, _ := run(t, "promote", "-from", staging, "-to", prod); code != 0 || !strings.Contains(out, "nothing to do") {
		t.Errorf("second promote: %d %q", code, out)
	}
	code, _, errOut = run(t, "promote", "-from", filepath.Join(t.TempDir(), "none.tfvars"), "-to", prod)
	if code != 1 || !strings.Contains(errOut, "has no ami_id to promote") {
		t.Errorf("missing source: %d %q", code, errOut)
	}
}
