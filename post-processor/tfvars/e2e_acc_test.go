//go:build acc

package tfvars

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// packerEnv prepares a throwaway project (images/, instances/), installs
// testdata/fakeplugin (our real post-processor beside a builder whose
// artifact looks like amazon-ebs') into a private plugin folder, and returns
// the packer binary and the environment to run it with.
func packerEnv(t *testing.T) (packer, root string, env []string) {
	t.Helper()
	packer, root = packertest.Packer(t), t.TempDir()
	for _, d := range []string{"images", "instances", "plugins", "bin"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	template, _ := os.ReadFile("testdata/e2e/image.pkr.hcl")
	write(t, filepath.Join(root, "images", "image.pkr.hcl"), string(template))
	write(t, filepath.Join(root, "instances", "variables.tf"),
		"variable \"region\" {}\nvariable \"ami_id\" { type = string }\nvariable \"ami_ids\" { type = map(string) }\n")
	bin := packertest.Build(t, "./post-processor/tfvars/testdata/fakeplugin", filepath.Join(root, "bin", "packer-plugin-immutable"))
	plugins := filepath.Join(root, "plugins")
	packertest.Install(t, packer, bin, plugins)
	env = packertest.Env(plugins, "FAKE_AMIS=us-east-1:"+east+",us-west-2:"+west, "FAKE_BUILD_REGION=us-west-2",
		"FAKE_DESTROY_MARKER="+filepath.Join(root, "destroyed"))
	return packer, root, env
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// packerBuild runs `packer build images/image.pkr.hcl` from the project
// root, not from images/: path.root in the template must make the paths
// relative to the template.
func packerBuild(t *testing.T, packer, root string, env []string) (string, error) {
	cmd := exec.Command(packer, "build", "-color=false", "images/image.pkr.hcl")
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestEndToEndWithPackerAndAnAmazonEBSShapedArtifact(t *testing.T) {
	packer, root, env := packerEnv(t)
	tfvars := filepath.Join(root, "instances", "terraform.tfvars")
	before := "region = \"us-west-2\"\n\n# written by packer\nami_id = \"ami-00000000\"  # current image\n"
	write(t, tfvars, before)

	out, err := packerBuild(t, packer, root, env)
	if err != nil {
		t.Fatalf("packer build: %v\n%s", err, out)
	}
	want := strings.Replace(before, "ami-00000000", west, 1) +
		"ami_ids = {\n  \"us-east-1\" = \"" + east + "\"\n  \"us-west-2\" = \"" + west + "\"\n}\n"
	if got, _ := os.ReadFile(tfvars); string(got) != want {
		t.Errorf("terraform.tfvars =\n%s\nwant\n%s\npacker output:\n%s", got, want, out)
	}
	h, err := tfvarsfile.ReadHistory(tfvars)
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	if err != nil || len(h) != 2 || h[0].Action != tfvarsfile.ActionFound || h[0].Value != "ami-00000000" || // the placeholder, written by hand
		h[1].Build != "immutable-fakeebs.example" || h[1].SourceAMI != "ami-0aaaaaaaaaaaaaaaa" ||
		!uuid.MatchString(h[1].RunUUID) || h[1].Images["us-east-1"] != east {
		t.Errorf("history = %+v, %v", h, err)
	}
	// The template sets keep_input_artifact = false; the image must survive.
	if _, err := os.Stat(filepath.Join(root, "destroyed")); err == nil {
		t.Error("Packer destroyed the artifact whose ID was just written into terraform.tfvars")
	}

	snapshot, _ := os.ReadFile(tfvars)
	out, err = packerBuild(t, packer, root, env)
	if got, _ := os.ReadFile(tfvars); err != nil || !bytes.Equal(got, snapshot) || !strings.Contains(out, "already holds "+west) {
		t.Errorf("second build with the same image: err %v, file changed %v\n%s", err, !bytes.Equal(got, snapshot), out)
	}
}

// A mistake in the post-processor's configuration fails `packer build`
// before anything is baked, and the tfvars file is left alone.
func TestEndToEndConfigErrorStopsBeforeTheBake(t *testing.T) {
	packer, root, env := packerEnv(t)
	template := filepath.Join(root, "images", "image.pkr.hcl")
	src, _ := os.ReadFile(template)
	write(t, template, strings.Replace(string(src), `map_variable        = "ami_ids"`, `variable = "ami"`, 1))
	tfvars := filepath.Join(root, "instances", "terraform.tfvars")
	write(t, tfvars, "ami_id = \"ami-00000000\"\n")

	out, err := packerBuild(t, packer, root, env)
	out = strings.Join(strings.Fields(out), " ") // Packer wraps long errors
	if err == nil || !strings.Contains(out, `module_dir (variable): the module in images/../instances declares no variable "ami"`) || strings.Contains(out, "fake bake") {
		t.Errorf("packer build: err %v\n%s", err, out)
	}
	if got, _ := os.ReadFile(tfvars); string(got) != "ami_id = \"ami-00000000\"\n" {
		t.Errorf("tfvars changed: %q", got)
	}
}
