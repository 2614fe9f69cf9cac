//go:build acc

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// The tags images/image.pkr.hcl puts on every image it bakes.
var wantImageTags = map[string]string{
	"Name":        "learn-terraform-packer",
	"Environment": "Learn",
	"BuiltBy":     "packer-plugin-immutable",
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// checkBake asserts that the bake changed exactly one value in the tfvars —
// ami_id, to a new image — and that the image exists, available and tagged.
func (p *project) checkBake(t *testing.T, before, after []byte) string {
	t.Helper()
	oldAMI, err := tfvarsString(before, "ami_id")
	if err != nil {
		t.Fatal(err)
	}
	newAMI, err := tfvarsString(after, "ami_id")
	if err != nil {
		t.Fatal(err)
	}
	if err := oneValueChanged(before, after, `"`+oldAMI+`"`, `"`+newAMI+`"`); err != nil {
		t.Fatal(err)
	}
	out, err := p.cloud.EC2().DescribeImages(ctx(t), &ec2.DescribeImagesInput{ImageIds: []string{newAMI}})
	if err != nil || len(out.Images) != 1 {
		t.Fatalf("the tfvars names %s, but EC2 does not know it: %v", newAMI, err)
	}
	img := out.Images[0]
	if img.State != types.ImageStateAvailable || !strings.HasPrefix(aws.ToString(img.Name), "learn-terraform-packer-") {
		t.Fatalf("image %s: state %s, name %q; want available, learn-terraform-packer-*", newAMI, img.State, aws.ToString(img.Name))
	}
	got := map[string]string{}
	for _, tag := range img.Tags {
		got[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	for k, v := range wantImageTags {
		if got[k] != v {
			t.Errorf("image %s: tag %s = %q, want %q (all tags: %v)", newAMI, k, got[k], v, got)
		}
	}
	t.Logf("baked %s (%s); tfvars: ami_id %s -> %s, nothing else changed", newAMI, aws.ToString(img.Name), oldAMI, newAMI)
	return newAMI
}

// checkInstance asserts that terraform's web instance runs the image.
func (p *project) checkInstance(t *testing.T, web webOutputs, ami string) {
	t.Helper()
	if web.AMI != ami {
		t.Fatalf("terraform output ami_id = %s, want the baked %s", web.AMI, ami)
	}
	inst := p.instance(t, web.InstanceID)
	if aws.ToString(inst.ImageId) != ami || inst.State.Name != types.InstanceStateNameRunning {
		t.Fatalf("instance %s: image %s, state %s; want %s, running", web.InstanceID, aws.ToString(inst.ImageId), inst.State.Name, ami)
	}
}

func (p *project) instance(t *testing.T, id string) types.Instance {
	t.Helper()
	out, err := p.cloud.EC2().DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil || len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 1 {
		t.Fatalf("describing instance %s: %v", id, err)
	}
	return out.Reservations[0].Instances[0]
}

// checkInstanceRoot asserts that the image the instance runs was really
// provisioned by the template's immutable-setup block: the app version
// (scripts/webapp.sh) and the terraform user's key (authorized_key_files)
// are on the deployed instance's disk.
func (p *project) checkInstanceRoot(t *testing.T, web webOutputs, version string) {
	t.Helper()
	root := p.cloud.Instance(t, web.InstanceID).Root
	got, err := os.ReadFile(filepath.Join(root, "opt", "webapp", "VERSION"))
	if err != nil || strings.TrimSpace(string(got)) != version {
		t.Fatalf("instance %s: /opt/webapp/VERSION = %q (%v), want %s", web.InstanceID, got, err, version)
	}
	key, err := os.ReadFile(filepath.Join(p.dir, "keys", "terraform.pub"))
	if err != nil {
		t.Fatal(err)
	}
	installed, err := os.ReadFile(filepath.Join(root, "home", "terraform", ".ssh", "authorized_keys"))
	if err != nil || !strings.Contains(string(installed), strings.TrimSpace(string(key))) {
		t.Fatalf("instance %s: terraform's authorized_keys lacks keys/terraform.pub (%v)", web.InstanceID, err)
	}
}

// checkNothingLeft asserts that only terraform's current instance runs,
// and no temporary key pair or security group of the builds is left.
func (p *project) checkNothingLeft(t *testing.T, web string, amis ...string) {
	t.Helper()
	client := p.cloud.EC2()
	out, err := client.DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Reservations {
		for _, inst := range r.Instances {
			id := aws.ToString(inst.InstanceId)
			if id != web && inst.State.Name != types.InstanceStateNameTerminated {
				t.Errorf("instance %s (image %s) is %s; only %s should be left running", id, aws.ToString(inst.ImageId), inst.State.Name, web)
			}
		}
	}
	keys, err := client.DescribeKeyPairs(ctx(t), &ec2.DescribeKeyPairsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys.KeyPairs {
		t.Errorf("temporary key pair %s left behind", aws.ToString(k.KeyName))
	}
	groups, err := client.DescribeSecurityGroups(ctx(t), &ec2.DescribeSecurityGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups.SecurityGroups {
		if name := aws.ToString(g.GroupName); name != "default" && name != "sg_22" {
			t.Errorf("security group %s (%s) left behind", name, aws.ToString(g.GroupId))
		}
	}
	images, err := client.DescribeImages(ctx(t), &ec2.DescribeImagesInput{Owners: []string{"self"},
		Filters: []types.Filter{{Name: aws.String("name"), Values: []string{"learn-terraform-packer-*"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(images.Images) != len(amis) {
		t.Errorf("%d baked images in EC2, want %d (%v)", len(images.Images), len(amis), amis)
	}
}
