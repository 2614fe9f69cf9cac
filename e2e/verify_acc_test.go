//go:build acc

package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// TestVerifyGatesImage: the template's verify checks stand between a broken
// build and the image. With a scripts/webapp.sh that installs nothing, the
// check "the web app is installed and enabled" fails, so packer build fails
// naming it, no image is registered, terraform.tfvars is byte-for-byte as it
// was, and the build left no instance, key pair or security group.
func TestVerifyGatesImage(t *testing.T) {
	repo := packertest.RepoRoot(t)
	requireRoot(t)
	p := setUp(t, repo, workDir(t))
	broken := "#!/bin/sh\n# A web app script that forgot its job.\nexit 0\n"
	if err := os.WriteFile(filepath.Join(p.dir, "scripts", "webapp.sh"), []byte(broken), 0o755); err != nil {
		t.Fatal(err)
	}
	before := p.readTfvars(t)

	out, err := p.bakeOutput(t, "bake-broken", "127.0.0.1/32")
	if err == nil {
		t.Fatalf("packer build succeeded with a web app script that installs nothing; the verify checks must fail it:\n%s", tail(out, 40))
	}
	const check = `"verify the web app is installed and enabled" failed with exit code`
	if !strings.Contains(out, check) {
		t.Errorf("packer build failed (%v) but its output does not name the failed check (want %s):\n%s", err, check, tail(out, 40))
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

// bakeOutput is bake for a build expected to fail, its temporary group
// admitting cidr: it returns packer's output and error instead of failing
// the test.
func (p *project) bakeOutput(t *testing.T, log, cidr string) (string, error) {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(c, p.packer, p.buildArgs(cidr)...)
	cmd.Dir, cmd.Env, cmd.WaitDelay = p.dir, p.env, 10*time.Second
	out, err := cmd.CombinedOutput()
	_ = os.WriteFile(filepath.Join(logDir, log+".log"), out, 0o644)
	t.Logf("%-14s %5.1fs  packer build (%v)", log, time.Since(start).Seconds(), err)
	return string(out), err
}
