//go:build acc

package tfvars

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// gitRun runs git in dir with a fixed identity and fails the test on error.
func gitRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// After a build into a committed tfvars file, `git status` shows the
// file's change and its new history (meant to be committed) and nothing
// else: no lock file, no temporary file.
func TestEndToEndGitStatusShowsOnlyTheFileAndItsHistory(t *testing.T) {
	packer, root, env := packerEnv(t)
	write(t, filepath.Join(root, ".gitignore"), "/bin/\n/plugins/\n") // the test's own plugin binaries
	write(t, filepath.Join(root, "instances", "terraform.tfvars"), "ami_id = \"ami-00000000\"\n")
	gitRun(t, root, "init", "-q")
	gitRun(t, root, "add", "-A")
	gitRun(t, root, "commit", "-qm", "seed")

	if out, err := packerBuild(t, packer, root, env); err != nil {
		t.Fatalf("packer build: %v\n%s", err, out)
	}
	want := " M instances/terraform.tfvars\n?? instances/terraform.tfvars.history.jsonl\n"
	if got := gitRun(t, root, "status", "--porcelain", "--untracked-files=all", "--ignored=no"); got != want {
		t.Errorf("git status after the build:\n%s\nwant:\n%s", got, want)
	}
}
