//go:build acc

package ami

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// goldenBase builds the golden image (assume_role, vpc_filter and
// subnet_filter most_free, a gp3 encrypted launch volume, encrypt_boot with
// per-region keys, three regions, org sharing, snapshot_users, ena and
// sriov support, deprecation, protection, dynamic tag and run_tag blocks,
// run_volume_tag, user_data_file) with its own build block: harden.sh runs
// on the instance and its files end up in the image.
func (p *portedCloud) goldenBase(t *testing.T) {
	p.proxy.Reset()
	c := p.ec2("us-east-1")
	vpc := mustVPC(t, c, "10.20.0.0/16")
	busy := mustSubnet(t, c, vpc, "10.20.0.0/24", "us-east-1a")
	free := mustSubnet(t, c, vpc, "10.20.16.0/20", "us-east-1b") // more free addresses: most_free takes it
	mustTag(t, c, map[string]string{"Purpose": "image-build"}, vpc)
	mustTag(t, c, map[string]string{"Tier": "private"}, busy, free)
	dir := p.copyTemplate(t, "golden-base")
	if port := p.cloud.SSHPort(); port != "22" { // localcloud/README.md: this machine moved the instances' SSH
		b, _ := os.ReadFile(filepath.Join(dir, "build.pkr.hcl"))
		b = []byte(strings.Replace(string(b), `sources = ["source.immutable-ami.base"]`,
			`source "source.immutable-ami.base" { ssh_port = `+port+` }`, 1))
		_ = os.WriteFile(filepath.Join(dir, "build.pkr.hcl"), b, 0o600)
	}
	out, err := p.packer.run(t, dir, p.env(), "build", "-color=false", "-var", `build_cidrs=["127.0.0.1/32"]`, ".")
	if err != nil {
		t.Fatalf("packer build: %v\n%s", err, out)
	}
	p.assertGoldenImages(t)
	assertGoldenRequests(t, p, free)
	p.assertNothingLeft(t)
}

// assertGoldenImages: the image is in all three regions with the dynamic
// tag blocks, the BaseImage tag rendered, snapshot_tag on its snapshots,
// shared with the organization and its snapshots with the consumer; the
// build region's image holds what harden.sh wrote.
func (p *portedCloud) assertGoldenImages(t *testing.T) {
	t.Helper()
	for _, region := range []string{"us-east-1", "eu-west-1", "us-west-2"} {
		c := p.ec2(region)
		img := onlyImage(t, c, "golden-base-ubuntu-jammy-")
		assertTags(t, region+" AMI", tagMap(img.Tags), map[string]string{"Team": "platform", "CostCenter": "1234",
			"Compliance": "cis-level-1", "Environment": "all", "BaseImage": "ami-0a1b2c3d4e5f60002"})
		assertSharedWithOrg(t, c, aws.ToString(img.ImageId), "arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5")
		assertSnapshotUsers(t, c, img, "210987654321")
		for _, snap := range imageSnapshots(img) {
			out, err := c.DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{SnapshotIds: []string{snap}})
			if err != nil || tagMap(out.Snapshots[0].Tags)["Backup"] != "none" {
				t.Errorf("%s snapshot %s: %v %v, want snapshot_tag Backup=none", region, snap, out, err)
			}
		}
		if region == "us-east-1" && !p.imageHolds(t, aws.ToString(img.ImageId), "etc/golden-base/hardening.json") {
			t.Errorf("the image's disk lacks what harden.sh wrote")
		}
	}
}

// imageHolds reports whether a layer of the local cloud's image id has path.
func (p *portedCloud) imageHolds(t *testing.T, id, path string) bool {
	t.Helper()
	for _, img := range p.cloud.Images(t) {
		for _, layer := range img.Layers {
			if _, err := os.Stat(filepath.Join(layer, path)); img.ID == id && err == nil {
				return true
			}
		}
	}
	return false
}

func assertSharedWithOrg(t *testing.T, c *ec2.Client, id, org string) {
	t.Helper()
	attr, err := c.DescribeImageAttribute(context.Background(), &ec2.DescribeImageAttributeInput{ImageId: &id, Attribute: "launchPermission"})
	if err != nil || len(attr.LaunchPermissions) != 1 || aws.ToString(attr.LaunchPermissions[0].OrganizationArn) != org {
		t.Errorf("launch permissions of %s: %+v %v, want %s", id, attr, err, org)
	}
}

// assertGoldenRequests checks what moto does not model, on the requests:
// the role assumed and used, the launch, the encrypted copies, enhanced
// networking, deprecation and protection.
func assertGoldenRequests(t *testing.T, p *portedCloud, subnet string) {
	t.Helper()
	roles := p.proxy.Requests("AssumeRole")
	if len(roles) != 1 {
		t.Fatalf("AssumeRole calls: %d", len(roles))
	}
	wantParams(t, "AssumeRole", roles[0], map[string]string{"RoleArn": "arn:aws:iam::123456789012:role/image-builder",
		"ExternalId": "image-pipeline", "Tags.member.1.Key": "Pipeline", "Tags.member.1.Value": "golden-base"})
	for _, c := range p.proxy.Requests("RunInstances", "CreateImage", "CopyImage") {
		if c.AccessKey == "test" || c.SessionToken == "" {
			t.Errorf("%s signed by %q without a session token: not the assumed role", c.Action, c.AccessKey)
		}
	}
	runs := p.proxy.Requests("RunInstances")
	userData, _ := os.ReadFile(filepath.Join(packertest.RepoRoot(t), "docs", "examples", "ported", "golden-base", "files", "cloud-init.yaml"))
	wantParams(t, "RunInstances", runs[len(runs)-1], map[string]string{"InstanceType": "m5.large", "EbsOptimized": "true",
		"NetworkInterface.1.SubnetId": subnet, "NetworkInterface.1.AssociatePublicIpAddress": "false",
		"MetadataOptions.InstanceMetadataTags": "enabled", "UserData": base64.StdEncoding.EncodeToString(userData),
		"BlockDeviceMapping.1.Ebs.Encrypted": "true", "BlockDeviceMapping.1.Ebs.KmsKeyId": "alias/golden-images",
		"CapacityReservationSpecification.CapacityReservationPreference": "open"})
	copies := p.proxy.Requests("CopyImage")
	if len(copies) != 3 {
		t.Errorf("CopyImage calls %d: want the encrypted copy and two region copies", len(copies))
	}
	for _, c := range copies {
		wantParams(t, "CopyImage to "+c.Region, c, map[string]string{"Encrypted": "true", "KmsKeyId": "alias/golden-images"})
	}
	count := func(action string) int { return len(p.proxy.Requests(action)) }
	if count("ModifyInstanceAttribute") != 2 || count("EnableImageDeprecation") != 3 || count("EnableImageDeregistrationProtection") != 3 {
		t.Errorf("want ena and sriov on the instance, deprecation and protection in three regions: %d, %d, %d",
			count("ModifyInstanceAttribute"), count("EnableImageDeprecation"), count("EnableImageDeregistrationProtection"))
	}
}

func mustVPC(t *testing.T, c *ec2.Client, cidr string) string {
	t.Helper()
	v, err := c.CreateVpc(context.Background(), &ec2.CreateVpcInput{CidrBlock: &cidr})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(v.Vpc.VpcId)
}

func mustSubnet(t *testing.T, c *ec2.Client, vpc, cidr, zone string) string {
	t.Helper()
	sn, err := c.CreateSubnet(context.Background(), &ec2.CreateSubnetInput{VpcId: &vpc, CidrBlock: &cidr, AvailabilityZone: &zone})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(sn.Subnet.SubnetId)
}

func mustTag(t *testing.T, c *ec2.Client, tags map[string]string, ids ...string) {
	t.Helper()
	if _, err := c.CreateTags(context.Background(), &ec2.CreateTagsInput{Resources: ids, Tags: ec2Tags(tags)}); err != nil {
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
