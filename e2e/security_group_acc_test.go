//go:build acc

package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// TestBuildRefusedByItsGroup: security groups apply to the build instance.
// A build whose temporary group admits a CIDR this machine is not in
// (ssh_source_cidrs) cannot reach its instance's SSH: packer build fails
// waiting for SSH, the local cloud logged that it refused 127.0.0.1 on port
// 22 of that instance, and the build left nothing (no image, instance, key
// pair or group; terraform.tfvars byte for byte as it was).
func TestBuildRefusedByItsGroup(t *testing.T) {
	repo := packertest.RepoRoot(t)
	requireRoot(t)
	p := setUp(t, repo, workDir(t))
	// Fail in seconds instead of the default 5 minutes.
	replaceInFile(t, filepath.Join(p.dir, "images", "image.pkr.hcl"), "\n  ssh_username ", "\n  ssh_timeout = \"15s\"\n  ssh_username ")
	before := p.readTfvars(t)

	out, err := p.bakeOutput(t, "bake-wrong-cidr", "10.99.0.0/16")
	if err == nil {
		t.Fatalf("packer build succeeded although its security group admits only 10.99.0.0/16:\n%s", tail(out, 40))
	}
	if !strings.Contains(out, "Timeout waiting for SSH") {
		t.Errorf("packer build failed (%v) but not waiting for SSH:\n%s", err, tail(out, 40))
	}
	m := regexp.MustCompile(`Instance (i-[0-9a-f]+) is running`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("packer's output names no build instance:\n%s", tail(out, 40))
	}
	log, _ := os.ReadFile(filepath.Join(p.cloud.Dir, "localcloud.log"))
	if want := m[1] + ": refused 127.0.0.1 to port 22"; !strings.Contains(string(log), want) {
		t.Errorf("the local cloud's log does not say %q:\n%s", want, log)
	}
	if after := p.readTfvars(t); !bytes.Equal(before, after) {
		t.Errorf("a failed build changed terraform.tfvars:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	images, err := p.cloud.EC2().DescribeImages(ctx(t), &ec2.DescribeImagesInput{Owners: []string{"self"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range images.Images {
		t.Errorf("a failed build registered image %s (%s)", aws.ToString(img.ImageId), aws.ToString(img.Name))
	}
	p.checkNothingLeft(t, "")
}
