package command

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

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

// rollback and promote in a git checkout leave only the tfvars change and
// its history for `git status`: no lock file, no temporary file.
func TestGitStatusAfterRollbackAndPromote(t *testing.T) {
	staging := built(t, v1, v2)
	repo := filepath.Dir(staging)
	prod := filepath.Join(repo, "prod.tfvars")
	if err := os.WriteFile(prod, []byte("ami_id = \""+v1+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun(t, repo, "init", "-q")
	gitRun(t, repo, "add", "-A")
	gitRun(t, repo, "commit", "-qm", "seed")
	status := func() string {
		return gitRun(t, repo, "status", "--porcelain", "--untracked-files=all", "--ignored=no")
	}

	if code, _, errOut := run(t, "rollback", "-file", staging); code != 0 {
		t.Fatalf("rollback: %d %s", code, errOut)
	}
	if got, want := status(), " M terraform.tfvars\n M terraform.tfvars.history.jsonl\n"; got != want {
		t.Errorf("git status after rollback:\n%s\nwant:\n%s", got, want)
	}
	if code, _, errOut := run(t, "promote", "-from", staging, "-to", prod); code != 0 {
		t.Fatalf("promote: %d %s", code, errOut)
	}
	if got, want := status(), " M prod.tfvars\n M terraform.tfvars\n M terraform.tfvars.history.jsonl\n?? prod.tfvars.history.jsonl\n"; got != want {
		t.Errorf("git status after promote:\n%s\nwant:\n%s", got, want)
	}
}
