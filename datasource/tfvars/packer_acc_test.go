//go:build acc

package tfvars

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// packerRun runs packer with our plugin installed, in dir.
func packerRun(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	packer := packertest.Packer(t)
	plugins := filepath.Join(t.TempDir(), "plugins")
	packertest.Install(t, packer, packertest.BuildPlugin(t, t.TempDir(), false), plugins)
	cmd := exec.Command(packer, args...)
	cmd.Dir, cmd.Env = dir, packertest.Env(plugins)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// A real packer evaluates the data source: validate accepts the template,
// build hands the base image (and the one before it) to the app build.
func TestPackerReadsTheBaseImage(t *testing.T) {
	dir := t.TempDir()
	tmpl, _ := os.ReadFile("testdata/chain.pkr.hcl")
	if err := os.WriteFile(filepath.Join(dir, "chain.pkr.hcl"), tmpl, 0o644); err != nil {
		t.Fatal(err)
	}
	path := baseFile(t)
	for _, f := range []string{path, path + ".history.jsonl"} {
		b, _ := os.ReadFile(f)
		if err := os.WriteFile(filepath.Join(dir, strings.Replace(filepath.Base(f), "terraform", "base", 1)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := packerRun(t, dir, "validate", "chain.pkr.hcl"); err != nil {
		t.Fatalf("packer validate: %v\n%s", err, out)
	}
	out, err := packerRun(t, dir, "build", "-color=false", "chain.pkr.hcl")
	if err != nil || !strings.Contains(out, "BASE="+base2+" BEFORE="+base1+" BUILD=immutable-ami.base") {
		t.Errorf("packer build: %v\n%s", err, out)
	}
}

// A bad block fails validate with the attribute named, and a history too
// short fails the build before anything runs.
func TestPackerReportsTheAttribute(t *testing.T) {
	dir := t.TempDir()
	bad := "data \"immutable-tfvars\" \"base\" {\n  path = \"base.tfvars\"\n  previous = -1\n  region = \"mars\"\n}\n" +
		"source \"null\" \"x\" {\n  communicator = \"none\"\n}\nbuild {\n  sources = [\"source.null.x\"]\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.pkr.hcl"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := packerRun(t, dir, "validate", "bad.pkr.hcl")
	if err == nil || !strings.Contains(out, "previous: -1 must be 0") || !strings.Contains(out, `region: "mars"`) {
		t.Errorf("packer validate of a bad block: %v\n%s", err, out)
	}
	short := strings.Replace(bad, "previous = -1\n  region = \"mars\"", "previous = 3", 1)
	if err := os.WriteFile(filepath.Join(dir, "bad.pkr.hcl"), []byte(short), 0o644); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(baseFile(t) + ".history.jsonl")
	_ = os.WriteFile(filepath.Join(dir, "base.tfvars.history.jsonl"), b, 0o644)
	_ = os.WriteFile(filepath.Join(dir, "base.tfvars"), []byte("ami_id = \""+base2+"\"\n"), 0o644)
	out, err = packerRun(t, dir, "build", "bad.pkr.hcl")
	if err == nil || !strings.Contains(out, "previous = 3: ") {
		t.Errorf("packer build with previous = 3: %v\n%s", err, out)
	}
}

// The chain's example templates validate as a user would run them, from
// images/ beside instances/, scripts/ and keys/: the app's source_ami
// comes from the data source, which `packer validate` does not run.
func TestPackerValidatesTheChainExamples(t *testing.T) {
	repo := packertest.RepoRoot(t)
	project := t.TempDir()
	for _, d := range []string{"images", "instances", "scripts", "keys"} {
		if err := os.MkdirAll(filepath.Join(project, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFiles(t, filepath.Join(repo, "instances"), filepath.Join(project, "instances"), "variables.tf", "main.tf", "outputs.tf", "versions.tf")
	copyFiles(t, filepath.Join(repo, "scripts"), filepath.Join(project, "scripts"), "webapp.sh")
	copyFiles(t, filepath.Join(repo, "docs", "examples"), filepath.Join(project, "images"), "base.pkr.hcl", "app.pkr.hcl")
	if err := os.WriteFile(filepath.Join(project, "keys", "terraform.pub"), []byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB0zGJ6zpDHoHbRxIWExkA+4u5u2E0U8WqD0XoVKtLHz t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tmpl := range []string{"base.pkr.hcl", "app.pkr.hcl"} {
		if out, err := packerRun(t, filepath.Join(project, "images"), "validate", tmpl); err != nil {
			t.Errorf("packer validate %s: %v\n%s", tmpl, err, out)
		}
	}
}

func copyFiles(t *testing.T, from, to string, names ...string) {
	t.Helper()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(from, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
