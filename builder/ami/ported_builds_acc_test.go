//go:build acc

package ami

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloudtest"
)

// portedCloud is the local cloud (instances really boot, behind their
// security groups) with the recording proxy in front, and packer with this
// plugin.
type portedCloud struct {
	cloud  *localcloudtest.Cloud
	proxy  *ec2test.Proxy
	packer packerSetup
}

// TestPortedTemplatesBuildOnTheLocalCloud builds two ported templates as
// they are, provisioners included, on the local cloud; only the variables a
// user would pass differ (this machine's address, the base image, regions).
func TestPortedTemplatesBuildOnTheLocalCloud(t *testing.T) {
	cloud := localcloudtest.Start(t, filepath.Join(t.TempDir(), "cloud"))
	p := &portedCloud{cloud: cloud, proxy: ec2test.StartProxyURL(t, cloud.Env["AWS_ENDPOINT_URL"]), packer: installPlugin(t)}
	// The local cloud is strict itself; this proxy only records, for the
	// checks that count calls.
	p.proxy.SetFaults(ec2test.Faults{})
	t.Run("eks-node (legacy JSON)", p.eksNode)
	t.Run("golden-base (HCL2)", p.goldenBase)
}

// eksNode builds the EKS node template: source_ami pinned within
// source_ami_filter from variables, block devices, polling, ami_regions,
// ami_users/snapshot_users from one comma-separated variable, ena_support,
// run and volume tags, templated tags, IMDSv2 hop limit, user_data_file,
// a folder uploaded and a script run on the instance.
func (p *portedCloud) eksNode(t *testing.T) {
	p.proxy.Reset()
	dir := p.copyTemplate(t, "eks-node")
	out, err := p.packer.run(t, dir, p.env(), "build", "-color=false",
		"-var", "aws_region=us-east-1", "-var", "ami_regions=us-west-2", "-var", "ami_users=210987654321",
		"-var", "source_ami_id=ami-0a1b2c3d4e5f60002", "-var", "source_ami_filter_name=ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*",
		"-var", "source_ami_owners=099720109477", "-var", "ssh_username=ubuntu", "-var", "root_volume_size=12",
		"-var", "temporary_security_group_source_cidrs=127.0.0.1/32", "-var", "creator=ci", p.sshPortJSON(t, dir, "eks-worker.json"))
	if err != nil || !strings.Contains(out, "kubernetes 1.31") {
		t.Fatalf("packer build: %v (want install-worker.sh's output)\n%s", err, out)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	for _, region := range []string{"us-east-1", "us-west-2"} {
		c := p.ec2(region)
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
		if region == "us-east-1" && !p.imageHolds(t, aws.ToString(img.ImageId), "etc/eks/release") {
			t.Errorf("the image's disk lacks what install-worker.sh wrote")
		}
	}
	runs := p.proxy.Requests("RunInstances")
	wantParams(t, "RunInstances", runs[len(runs)-1], map[string]string{"ImageId": "ami-0a1b2c3d4e5f60002", "InstanceType": "m5.large",
		"MetadataOptions.HttpPutResponseHopLimit": "2", "MetadataOptions.HttpTokens": "required",
		"BlockDeviceMapping.1.Ebs.VolumeSize": "12", "BlockDeviceMapping.1.Ebs.VolumeType": "gp3"})
	if !requestTags(runs, "volume", "creator") || len(p.proxy.Requests("ModifyInstanceAttribute")) != 1 {
		t.Errorf("run_volume_tags or ena_support did not reach EC2")
	}
	p.assertNothingLeft(t)
}

// copyTemplate copies a ported template's folder into a temporary one.
func (p *portedCloud) copyTemplate(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, filepath.Join(portedDir(t), name), dir)
	return dir
}

// env is the local cloud's environment with the endpoint at the proxy.
func (p *portedCloud) env() []string {
	var env []string
	for k, v := range p.cloud.Env {
		env = append(env, k+"="+v)
	}
	return append(env, "AWS_ENDPOINT_URL="+p.proxy.URL)
}

func (p *portedCloud) ec2(region string) *ec2.Client {
	return ec2.New(ec2.Options{Region: region, BaseEndpoint: aws.String(p.cloud.Env["AWS_ENDPOINT_URL"]),
		Credentials: p.cloud.EC2().Options().Credentials})
}

// sshPortJSON returns the JSON template's file name, first setting its
// ssh_port where this machine makes the local cloud's SSH use another port
// than 22 (localcloud/README.md); the template has no variable for it.
func (p *portedCloud) sshPortJSON(t *testing.T, dir, name string) string {
	t.Helper()
	if p.cloud.SSHPort() == "22" {
		return name
	}
	var tmpl map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, name))
	if err := json.Unmarshal(b, &tmpl); err != nil {
		t.Fatal(err)
	}
	tmpl["builders"].([]any)[0].(map[string]any)["ssh_port"] = p.cloud.SSHPort()
	b, _ = json.Marshal(tmpl)
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// assertNothingLeft: no instance runs, and no key pair, temporary group or
// volume of a build is left, in the build region.
func (p *portedCloud) assertNothingLeft(t *testing.T) {
	t.Helper()
	c := p.ec2("us-east-1")
	ctx := context.Background()
	insts, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range insts.Reservations {
		for _, i := range r.Instances {
			if i.State.Name != ec2types.InstanceStateNameTerminated {
				t.Errorf("instance %s left %s", aws.ToString(i.InstanceId), i.State.Name)
			}
		}
	}
	keys, _ := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{})
	vols, _ := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{BuildUUIDTagKey}}}})
	groups, _ := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{BuildUUIDTagKey}}}})
	if len(keys.KeyPairs)+len(vols.Volumes)+len(groups.SecurityGroups) != 0 {
		t.Errorf("left: key pairs %+v, volumes %+v, groups %+v", keys.KeyPairs, vols.Volumes, groups.SecurityGroups)
	}
}
