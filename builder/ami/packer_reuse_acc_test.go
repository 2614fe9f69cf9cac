//go:build acc

package ami

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// reuseTemplate bakes through the in-test SSH server with a reuse block
// over the template itself, then runs a post-processor that fails when
// told to (fail_with), and writes the image into a tfvars file.
const reuseTemplate = `
variable "tfvars" {
  type = string
}
variable "fail_with" {
  type    = number
  default = 0
}
source "immutable-ami" "x" {
  region        = "us-east-1"
  instance_type = "t2.micro"
  ami_name      = "reusable"
  source_ami    = "ami-0a1b2c3d4e5f60001"
  ssh_username  = "ubuntu"
  ssh_host      = "127.0.0.1"
  ssh_port      = PORT
  ssh_timeout   = "30s"
  temporary_security_group_source_cidrs = ["127.0.0.1/32"]
  reuse {
    inputs = ["${path.root}/*.pkr.hcl"]
  }
}
build {
  sources = ["source.immutable-ami.x"]
  post-processors {
    post-processor "shell-local" {
      inline = ["exit ${var.fail_with}"]
    }
    post-processor "immutable-tfvars" {
      path = var.tfvars
    }
  }
}
`

var reusingLine = regexp.MustCompile(`Reusing AMI (ami-[0-9a-f]+)`)

// TestPackerReuseKeepsTheImageWhenAPostProcessorFails runs the real packer
// three times on one template: the first build bakes and writes the
// tfvars file; the second reuses the AMI and fails in its first
// post-processor, after which Packer destroys the artifact: the reused AMI
// and its snapshots must survive that, and the file stay as it was; the
// third reuses the AMI again and writes it; a fourth, with -force, builds
// anew.
func TestPackerReuseKeepsTheImageWhenAPostProcessorFails(t *testing.T) {
	e := newBuildEnv(t)
	work := t.TempDir()
	packer, plugins := packertest.Packer(t), filepath.Join(work, "plugins")
	packertest.Install(t, packer, packertest.BuildPlugin(t, work, false), plugins)
	tmpl := filepath.Join(work, "build.pkr.hcl")
	writeTestFile(t, tmpl, strings.Replace(reuseTemplate, "PORT", strconv.Itoa(e.ssh.Port), 1))
	tfvars := filepath.Join(work, "terraform.tfvars")
	build := func(failWith string, flags ...string) (string, error) {
		args := append([]string{"build", "-color=false", "-var", "tfvars=" + tfvars, "-var", "fail_with=" + failWith}, flags...)
		cmd := exec.Command(packer, append(args, tmpl)...)
		cmd.Dir, cmd.Env = work, append(packertest.Env(plugins, e.proxy.Env()...), "PACKER_NO_COLOR=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := build("0")
	if err != nil || len(e.images(t)) != 1 {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	ami := aws.ToString(e.images(t)[0].ImageId)
	snaps := e.ownSnapshots(t)
	writeTestFile(t, tfvars, "ami_id = \"ami-00000000\"\n")
	out, err = build("3")
	if err == nil || !strings.Contains(out, "Post-processor failed") {
		t.Fatalf("second build: err %v, want the post-processor to fail\n%s", err, out)
	}
	if m := reusingLine.FindStringSubmatch(out); m == nil || m[1] != ami {
		t.Fatalf("second build did not reuse %s:\n%s", ami, out)
	}
	if imgs := e.images(t); len(imgs) != 1 || aws.ToString(imgs[0].ImageId) != ami {
		t.Fatalf("after the failed post-processor: images %v, want %s kept\n%s", imgs, ami, out)
	}
	if left := e.ownSnapshots(t); len(left) != len(snaps) {
		t.Errorf("snapshots %v after the failed post-processor, want %v", left, snaps)
	}
	if got, _ := os.ReadFile(tfvars); string(got) != "ami_id = \"ami-00000000\"\n" {
		t.Errorf("the tfvars file changed in the failed build: %q", got)
	}
	if out, err = build("0"); err != nil || !strings.Contains(out, "Reusing AMI "+ami) {
		t.Fatalf("third build: %v\n%s", err, out)
	}
	if got, _ := os.ReadFile(tfvars); string(got) != "ami_id = \""+ami+"\"\n" {
		t.Errorf("tfvars after the third build: %q, want the reused AMI", got)
	}
	// -force builds anew and, as in amazon-ebs, frees the name: the old
	// image goes, the new one carries the same fingerprint.
	if out, err = build("0", "-force"); err != nil || strings.Contains(out, "Reusing AMI") {
		t.Fatalf("-force build: %v\n%s", err, out)
	}
	imgs := e.images(t)
	if len(imgs) != 1 || aws.ToString(imgs[0].ImageId) == ami {
		t.Fatalf("after -force: images %v, want one new image in place of %s", imgs, ami)
	}
	if got, _ := os.ReadFile(tfvars); string(got) != "ami_id = \""+aws.ToString(imgs[0].ImageId)+"\"\n" {
		t.Errorf("tfvars after the -force build: %q, want the new AMI", got)
	}
	e.assertNothingLeft(t)
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
