//go:build acc

package ami

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// portedDir is docs/examples/ported: templates in the style of public
// amazon-ebs pipelines, moved to immutable-ami.
func portedDir(t *testing.T) string {
	t.Helper()
	return filepath.Join(packertest.RepoRoot(t), "docs", "examples", "ported")
}

// portedTemplates are what `packer validate` / `packer build` is given in
// each example's folder: a file, or "." for a folder of .pkr.hcl files.
var portedTemplates = map[string]string{
	"learn-packer": "aws-ubuntu.pkr.hcl",
	"eks-node":     "eks-worker.json",
	"ci-runner":    "github-runner.pkr.hcl",
	"golden-base":  ".",
	"legacy-base":  "base.json",
}

type packerSetup struct{ packer, plugins string }

func installPlugin(t *testing.T) packerSetup {
	t.Helper()
	work := t.TempDir()
	s := packerSetup{packer: packertest.Packer(t), plugins: filepath.Join(work, "plugins")}
	packertest.Install(t, s.packer, packertest.BuildPlugin(t, work, true), s.plugins)
	return s
}

// run runs packer with args in dir and returns its combined output.
func (s packerSetup) run(t *testing.T, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(s.packer, args...)
	cmd.Dir = dir
	cmd.Env = append(packertest.Env(s.plugins, env...), "PACKER_NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestPortedTemplatesValidate: every ported template, HCL2 and legacy
// JSON, passes `packer validate` with immutable-ami, offline.
func TestPortedTemplatesValidate(t *testing.T) {
	s := installPlugin(t)
	env := []string{"AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull, "AWS_REGION=", "AWS_PROFILE="}
	entries, err := os.ReadDir(portedDir(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		tmpl, ok := portedTemplates[e.Name()]
		if !ok {
			t.Errorf("docs/examples/ported/%s is not in portedTemplates: add it so it is validated", e.Name())
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			out, err := s.run(t, filepath.Join(portedDir(t), e.Name()), env, "validate", tmpl)
			if err != nil || !strings.Contains(out, "The configuration is valid.") {
				t.Errorf("packer validate %s/%s: %v\n%s", e.Name(), tmpl, err, out)
			}
		})
	}
}

// copyTree copies folder src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		return os.WriteFile(filepath.Join(dst, rel), b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}
