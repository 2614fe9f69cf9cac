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

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// assertGoldenImages: the image is in all three regions with the dynamic
// tag blocks, the BaseImage tag rendered, snapshot_tag on its snapshots,
// shared with the organization and its snapshots with the consumer.
func assertGoldenImages(t *testing.T, e *buildEnv) {
	t.Helper()
	for _, region := range []string{"us-east-1", "eu-west-1", "us-west-2"} {
		c := e.moto.EC2(t, region)
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
	}
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
func assertGoldenRequests(t *testing.T, proxy *ec2test.Proxy, subnet string) {
	t.Helper()
	roles := proxy.Requests("AssumeRole")
	if len(roles) != 1 {
		t.Fatalf("AssumeRole calls: %d", len(roles))
	}
	wantParams(t, "AssumeRole", roles[0], map[string]string{"RoleArn": "arn:aws:iam::123456789012:role/image-builder",
		"ExternalId": "image-pipeline", "Tags.member.1.Key": "Pipeline", "Tags.member.1.Value": "golden-base"})
	for _, c := range proxy.Requests("RunInstances", "CreateImage", "CopyImage") {
		if c.AccessKey == "test" || c.SessionToken == "" {
			t.Errorf("%s signed by %q without a session token: not the assumed role", c.Action, c.AccessKey)
		}
	}
	run := proxy.Requests("RunInstances")[0]
	userData, _ := os.ReadFile(filepath.Join(packertest.RepoRoot(t), "docs", "examples", "ported", "golden-base", "files", "cloud-init.yaml"))
	wantParams(t, "RunInstances", run, map[string]string{"InstanceType": "m5.large", "EbsOptimized": "true",
		"NetworkInterface.1.SubnetId": subnet, "NetworkInterface.1.AssociatePublicIpAddress": "false",
		"MetadataOptions.InstanceMetadataTags": "enabled", "UserData": base64.StdEncoding.EncodeToString(userData),
		"BlockDeviceMapping.1.Ebs.Encrypted": "true", "BlockDeviceMapping.1.Ebs.KmsKeyId": "alias/golden-images",
		"CapacityReservationSpecification.CapacityReservationPreference": "open"})
	copies := proxy.Requests("CopyImage")
	if len(copies) != 3 {
		t.Errorf("CopyImage calls %d: want the encrypted copy and two region copies", len(copies))
	}
	for _, c := range copies {
		wantParams(t, "CopyImage to "+c.Region, c, map[string]string{"Encrypted": "true", "KmsKeyId": "alias/golden-images"})
	}
	var actions []string
	for _, c := range proxy.Requests("ModifyInstanceAttribute", "EnableImageDeprecation", "EnableImageDeregistrationProtection") {
		actions = append(actions, c.Action)
	}
	if got := strings.Join(actions, " "); strings.Count(got, "ModifyInstanceAttribute") != 2 ||
		strings.Count(got, "EnableImageDeprecation") != 3 || strings.Count(got, "EnableImageDeregistrationProtection") != 3 {
		t.Errorf("calls %q: want ena and sriov on the instance, deprecation and protection in three regions", got)
	}
}
