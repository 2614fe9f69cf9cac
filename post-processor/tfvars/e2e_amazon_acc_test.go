//go:build acc

package tfvars

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// amazonPlugin returns the official Amazon plugin v1.2.1, built once from the
// Go module proxy into the tool cache (tools/cache.sh).
func amazonPlugin(t *testing.T) string {
	t.Helper()
	script := `. ../../tools/cache.sh; out=$CACHE_DIR/bin/packer-plugin-amazon-1.2.1
[ -x "$out" ] || build_go_module github.com/hashicorp/packer-plugin-amazon v1.2.1 "$out" >&2 || exit 1
echo "$out"`
	out, err := exec.Command("bash", "-c", script).Output()
	if err != nil {
		t.Fatalf("building packer-plugin-amazon v1.2.1: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// TestEndToEndAfterRealAmazonEBS runs the official amazon-ebs builder (v1.2.1)
// against moto, copying the AMI to a second region, and then our real
// plugin binary (main.go) as post-processor: teams can adopt immutable-tfvars
// without switching builders.
func TestEndToEndAfterRealAmazonEBS(t *testing.T) {
	moto := ec2test.Start(t)
	packer, root, env := packerEnv(t)
	amazon := amazonPlugin(t)
	ours := packertest.BuildPlugin(t, filepath.Join(root, "real"), false)
	env = append(env, moto.Env()...)
	plugins := filepath.Join(root, "plugins")
	packertest.InstallAs(t, packer, amazon, plugins, "github.com/hashicorp/amazon", "--force")
	packertest.InstallAs(t, packer, ours, plugins, packertest.Source, "--force") // replaces the fake one
	installed, _ := filepath.Glob(filepath.Join(root, "plugins", "github.com", "immutable-infrastructure", "immutable", "packer-plugin-immutable_*_"+runtime.GOARCH))
	if len(installed) != 1 {
		t.Fatalf("installed plugins: %v", installed)
	}
	if d, err := exec.Command(installed[0], "describe").Output(); err != nil || !strings.Contains(string(d), `"builders":["ami"]`) {
		t.Fatalf("the installed plugin is not the real one: %s, %v", d, err)
	}
	template, _ := os.ReadFile("testdata/e2e/amazon-ebs.pkr.hcl")
	write(t, filepath.Join(root, "images", "image.pkr.hcl"), string(template))
	tfvars := filepath.Join(root, "instances", "terraform.tfvars")
	write(t, tfvars, "region = \"us-east-1\"\nami_id = \"ami-00000000\" # replaced by packer\n")

	cmd := exec.Command(packer, "build", "-color=false", "-var", "ec2_endpoint="+moto.URL, "images/image.pkr.hcl")
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("packer build: %v\n%s", err, out)
	}
	east, west := ownImage(t, moto, "us-east-1"), ownImage(t, moto, "us-west-2")
	want := "region = \"us-east-1\"\nami_id = \"" + east + "\" # replaced by packer\n" +
		"ami_ids = {\n  \"us-east-1\" = \"" + east + "\"\n  \"us-west-2\" = \"" + west + "\"\n}\n"
	if got, _ := os.ReadFile(tfvars); string(got) != want {
		t.Errorf("terraform.tfvars =\n%s\nwant\n%s\npacker output:\n%s", got, want, out)
	}
	h, err := tfvarsfile.ReadHistory(tfvars)
	if err != nil || len(h) != 2 || h[0].Action != tfvarsfile.ActionFound || h[0].Value != "ami-00000000" ||
		h[1].Build != "amazon-ebs.example" || !strings.HasPrefix(h[1].SourceAMI, "ami-") {
		t.Errorf("history = %+v, %v", h, err)
	}
}

// ownImage returns the one AMI the build registered in region.
func ownImage(t *testing.T, moto *ec2test.Moto, region string) string {
	t.Helper()
	out, err := moto.EC2(t, region).DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"self"}})
	if err != nil || len(out.Images) != 1 {
		t.Fatalf("images of the build in %s: %v, %v", region, out, err)
	}
	return *out.Images[0].ImageId
}
