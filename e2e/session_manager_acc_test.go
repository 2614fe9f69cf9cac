//go:build acc

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloudtest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// TestSessionManagerBuildInTheLocalCloud runs packer build with
// ssh_interface = "session_manager" in the local cloud: the instance boots
// with a profile made for the build, the build waits for its agent, and SSH
// (with an RSA key, checked by the instance's real OpenSSH, which takes RSA
// only with SHA-2 signatures) travels through the Session Manager stand-in's
// session into the instance's network namespace. Its temporary group
// admits nothing: the local cloud's gate refused no connection because none
// came to it. The image is registered; no instance, key pair, group, role
// or instance profile is left.
func TestSessionManagerBuildInTheLocalCloud(t *testing.T) {
	requireRoot(t)
	work := t.TempDir()
	logDir = work
	cloud := localcloudtest.Start(t, filepath.Join(work, "cloud"))
	packer, plugins := packertest.Packer(t), filepath.Join(work, "plugins")
	packertest.Install(t, packer, packertest.BuildPlugin(t, work, false), plugins)
	writeFile(t, filepath.Join(work, "build.pkr.hcl"), readFile(t, filepath.Join("testdata", "session_manager.pkr.hcl")))
	cmd := exec.Command(packer, "build", "-color=false", "build.pkr.hcl")
	cmd.Dir, cmd.Env = work, cloud.Environ(packertest.Vars(plugins)...)
	raw, err := cmd.CombinedOutput()
	out := string(raw)
	_ = os.WriteFile(filepath.Join(work, "packer-build.log"), raw, 0o644)
	if err != nil {
		t.Fatalf("packer build: %v\n%s\n%s", err, tail(out, 60), tail(readFile(t, filepath.Join(cloud.Dir, "localcloud.log")), 30))
	}
	for _, want := range []string{"Creating temporary 2048-bit RSA key pair", "admitting nothing (SSH goes through Session Manager)",
		"forwards to port 22 of", "Connected to SSH!", "Ending the Session Manager session"} {
		if !strings.Contains(out, want) {
			t.Errorf("packer's output lacks %q", want)
		}
	}
	m := regexp.MustCompile(`Instance (i-[0-9a-f]+) is running`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("packer's output names no build instance:\n%s", tail(out, 40))
	}
	log := readFile(t, filepath.Join(cloud.Dir, "localcloud.log"))
	for _, want := range []string{"to port 22 of " + m[1], "ended: Session terminated"} {
		if !strings.Contains(log, want) {
			t.Errorf("the local cloud's log lacks %q:\n%s", want, tail(log, 30))
		}
	}
	if strings.Contains(log, m[1]+": refused") {
		t.Errorf("something tried the instance's gate directly:\n%s", tail(log, 30))
	}
	assertSessionBuildLeftOnlyItsImage(t, cloud)
}

func assertSessionBuildLeftOnlyItsImage(t *testing.T, cloud *localcloudtest.Cloud) {
	t.Helper()
	c := ctx(t)
	e := cloud.EC2()
	images, err := e.DescribeImages(c, &ec2.DescribeImagesInput{Owners: []string{"self"}})
	if err != nil || len(images.Images) != 1 || !strings.HasPrefix(aws.ToString(images.Images[0].Name), "ssm-") {
		t.Errorf("images %+v (%v): want the one ssm- image", images, err)
	}
	insts, err := e.DescribeInstances(c, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range insts.Reservations {
		for _, i := range r.Instances {
			if i.State.Name != "terminated" {
				t.Errorf("instance %s left %s", aws.ToString(i.InstanceId), i.State.Name)
			}
		}
	}
	keys, _ := e.DescribeKeyPairs(c, &ec2.DescribeKeyPairsInput{})
	groups, _ := e.DescribeSecurityGroups(c, &ec2.DescribeSecurityGroupsInput{})
	for _, g := range groups.SecurityGroups {
		if strings.HasPrefix(aws.ToString(g.GroupName), "immutable-build-") {
			t.Errorf("group left: %s", aws.ToString(g.GroupId))
		}
	}
	if len(keys.KeyPairs) != 0 {
		t.Errorf("key pairs left: %d", len(keys.KeyPairs))
	}
	ic := iam.New(iam.Options{Region: cloud.Env["AWS_REGION"], BaseEndpoint: aws.String(cloud.Env["AWS_ENDPOINT_URL"]),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	roles, err := ic.ListRoles(c, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := ic.ListInstanceProfiles(c, &iam.ListInstanceProfilesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(roles.Roles)+len(profiles.InstanceProfiles) != 0 {
		t.Errorf("%d roles and %d instance profiles left", len(roles.Roles), len(profiles.InstanceProfiles))
	}
}
