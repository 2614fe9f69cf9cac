//go:build acc

package ami

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// Until the local cloud's instances answer SSH on their own addresses, a
// ported template reaches the build instance through the in-test SSH server
// (ssh_host/ssh_port added to the copy under test), and its provisioners,
// which would run on this machine, are replaced by harmless ones. Every
// other option is the template's own.

// TestPortedEKSNodeTemplateBuildsLocally builds the legacy JSON EKS node
// template (source_ami pinned within source_ami_filter from variables,
// block devices, polling, ami_regions, ami_users/snapshot_users from one
// comma-separated variable, ena_support, run and volume tags, templated
// tags, IMDSv2 hop limit, user_data_file) against moto.
func TestPortedEKSNodeTemplateBuildsLocally(t *testing.T) {
	e := newBuildEnv(t)
	proxy := ec2test.StartProxy(t, e.moto)
	s := installPlugin(t)
	dir := t.TempDir()
	copyTree(t, filepath.Join(portedDir(t), "eks-node"), dir)
	rewriteJSONTemplate(t, filepath.Join(dir, "eks-worker.json"), e.ssh.Port)
	out, err := s.run(t, dir, proxy.Env(), "build", "-color=false",
		"-var", "aws_region=us-east-1", "-var", "ami_regions=us-west-2", "-var", "ami_users=210987654321",
		"-var", "source_ami_id=ami-0a1b2c3d4e5f60002", "-var", "source_ami_filter_name=ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*",
		"-var", "source_ami_owners=099720109477", "-var", "ssh_username=ubuntu", "-var", "root_volume_size=12",
		"-var", "temporary_security_group_source_cidrs=127.0.0.1/32", "-var", "creator=ci", "eks-worker.json")
	if err != nil {
		t.Fatalf("packer build: %v\n%s", err, out)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	for _, region := range []string{"us-east-1", "us-west-2"} {
		c := e.moto.EC2(t, region)
		img := onlyImage(t, c, "eks-node-1.31-")
		assertTags(t, region+" AMI", tagMap(img.Tags), map[string]string{"source_ami_id": "ami-0a1b2c3d4e5f60002",
			"build_region": "us-east-1", "kubernetes": "1.31/x86_64"})
		if !strings.Contains(string(manifest), region+":"+aws.ToString(img.ImageId)) {
			t.Errorf("manifest.json lacks %s:%s:\n%s", region, aws.ToString(img.ImageId), manifest)
		}
		if got := launchUsers(t, c, aws.ToString(img.ImageId)); got != "210987654321" {
			t.Errorf("%s: launch permissions %q, want ami_users", region, got)
		}
		assertSnapshotUsers(t, c, img, "210987654321")
	}
	run := proxy.Requests("RunInstances")
	wantParams(t, "RunInstances", run[0], map[string]string{"ImageId": "ami-0a1b2c3d4e5f60002", "InstanceType": "m5.large",
		"MetadataOptions.HttpPutResponseHopLimit": "2", "MetadataOptions.HttpTokens": "required",
		"BlockDeviceMapping.1.Ebs.VolumeSize": "12", "BlockDeviceMapping.1.Ebs.VolumeType": "gp3"})
	if !requestTags(run, "volume", "creator") || len(proxy.Requests("ModifyInstanceAttribute")) != 1 {
		t.Errorf("run_volume_tags or ena_support did not reach EC2")
	}
	e.assertNothingLeft(t)
}

// rewriteJSONTemplate points the template's builder at the in-test SSH
// server and replaces its provisioners with one that runs there harmlessly.
func rewriteJSONTemplate(t *testing.T, path string, port int) {
	t.Helper()
	var tmpl map[string]any
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &tmpl); err != nil {
		t.Fatal(err)
	}
	builder := tmpl["builders"].([]any)[0].(map[string]any)
	builder["ssh_host"], builder["ssh_port"] = "127.0.0.1", port
	tmpl["provisioners"] = []any{map[string]any{"type": "shell", "inline": []string{"echo provisioned > provisioned.txt"}}}
	b, _ = json.MarshalIndent(tmpl, "", "  ")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// onlyImage is the one image of this account in c's region named prefix*.
func onlyImage(t *testing.T, c *ec2.Client, prefix string) ec2types.Image {
	t.Helper()
	out, err := c.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"self"},
		Filters: []ec2types.Filter{{Name: aws.String("name"), Values: []string{prefix + "*"}}}})
	if err != nil || len(out.Images) != 1 {
		t.Fatalf("images named %s*: %v %v", prefix, out, err)
	}
	return out.Images[0]
}

func launchUsers(t *testing.T, c *ec2.Client, id string) string {
	t.Helper()
	attr, err := c.DescribeImageAttribute(context.Background(), &ec2.DescribeImageAttributeInput{ImageId: &id,
		Attribute: ec2types.ImageAttributeNameLaunchPermission})
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, p := range attr.LaunchPermissions {
		users = append(users, aws.ToString(p.UserId))
	}
	return strings.Join(users, ",")
}

func assertSnapshotUsers(t *testing.T, c *ec2.Client, img ec2types.Image, want string) {
	t.Helper()
	for _, s := range imageSnapshots(img) {
		attr, err := c.DescribeSnapshotAttribute(context.Background(), &ec2.DescribeSnapshotAttributeInput{SnapshotId: &s,
			Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
		if err != nil || len(attr.CreateVolumePermissions) != 1 || aws.ToString(attr.CreateVolumePermissions[0].UserId) != want {
			t.Errorf("snapshot %s permissions %+v (%v), want %s", s, attr, err, want)
		}
	}
}

// goldenBuild is the build block the test gives the golden-base sources:
// the same source, reached through the in-test SSH server.
const goldenBuild = `build {
  source "source.immutable-ami.base" {
    ssh_host = "127.0.0.1"
    ssh_port = %d
  }
  provisioner "shell" {
    inline = ["echo hardened > hardened.txt"]
  }
}
`

// TestPortedGoldenBaseTemplateBuildsLocally builds the HCL2 golden image
// (assume_role, vpc_filter and subnet_filter most_free, a gp3 encrypted
// launch volume, encrypt_boot with per-region keys, three regions, org
// sharing, snapshot_users, ena and sriov support, deprecation, protection,
// dynamic tag and run_tag blocks, run_volume_tag, user_data_file) against
// moto behind the recording proxy.
func TestPortedGoldenBaseTemplateBuildsLocally(t *testing.T) {
	e := newBuildEnv(t)
	proxy := ec2test.StartProxy(t, e.moto)
	s := installPlugin(t)
	vpc, busy := e.makeVPC(t, "10.20.0.0/16", "us-east-1a")
	free := e.makeSubnet(t, vpc, "10.20.16.0/20", "us-east-1b") // more free addresses than busy's /24
	e.tag(t, map[string]string{"Purpose": "image-build"}, vpc)
	e.tag(t, map[string]string{"Tier": "private"}, busy, free)
	dir := t.TempDir()
	copyTree(t, filepath.Join(portedDir(t), "golden-base"), dir)
	if err := os.WriteFile(filepath.Join(dir, "build.pkr.hcl"), []byte(fmt.Sprintf(goldenBuild, e.ssh.Port)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := s.run(t, dir, proxy.Env(), "build", "-color=false", "-var", `build_cidrs=["127.0.0.1/32"]`, ".")
	if err != nil {
		t.Fatalf("packer build: %v\n%s", err, out)
	}
	assertGoldenImages(t, e)
	assertGoldenRequests(t, proxy, free)
	e.assertNothingLeft(t)
}

// makeSubnet adds a subnet to vpc.
func (e *buildEnv) makeSubnet(t *testing.T, vpc, cidr, zone string) string {
	t.Helper()
	sn, err := e.ec2.CreateSubnet(context.Background(), &ec2.CreateSubnetInput{VpcId: &vpc, CidrBlock: &cidr, AvailabilityZone: &zone})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(sn.Subnet.SubnetId)
}
