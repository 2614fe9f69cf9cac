//go:build acc

package command

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// estate is a small account's images: five builds of web (one copied to
// us-west-2 with the two newest), a base and an app built on it, and an
// image another tool made. Each old web image has one reason to stay but
// web-4, and web-4's copy.
type estate struct {
	web, west   []string // web-1..5 in us-east-1; copies of web-1, web-4, web-5 in us-west-2
	base1, app1 string
	foreign     string
	file        string // tfvars file: web-5 current, web-1 in its history
	snaps       map[string][]string
	east, westC *ec2.Client
}

func tags(build, uuid, region, source string) map[string]string {
	return lineage.Info{BuildUUID: uuid, Build: build, BuildRegion: region, SourceAMI: source}.Tags()
}

func ssmClient(m *ec2test.Moto, region string) *ssm.Client {
	return ssm.New(ssm.Options{Region: region, BaseEndpoint: aws.String(m.URL), Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
}

func seedEstate(t *testing.T, m *ec2test.Moto) *estate {
	t.Helper()
	e := &estate{east: m.EC2(t, "us-east-1"), westC: m.EC2(t, "us-west-2"), snaps: map[string][]string{}}
	for i, name := range []string{"web-1", "web-2", "web-3", "web-4", "web-5"} {
		id, snaps := ec2test.Image(t, e.east, ec2test.SeedAMI, name, tags("immutable-ami.web", "u"+name, "us-east-1", ec2test.SeedAMI))
		e.web, e.snaps[id] = append(e.web, id), snaps
		if i == 0 || i >= 3 {
			cp, snaps := ec2test.CopyImage(t, e.westC, "us-east-1", id, name, tags("immutable-ami.web", "u"+name, "us-east-1", ec2test.SeedAMI))
			e.west, e.snaps[cp] = append(e.west, cp), snaps
		}
	}
	e.base1, _ = ec2test.Image(t, e.east, ec2test.SeedAMI, "base-1", tags("immutable-ami.base", "ub1", "us-east-1", ec2test.SeedAMI))
	ec2test.Image(t, e.east, ec2test.SeedAMI, "base-2", tags("immutable-ami.base", "ub2", "us-east-1", ec2test.SeedAMI))
	e.app1, _ = ec2test.Image(t, e.east, e.base1, "app-1", tags("immutable-ami.app", "ua1", "us-east-1", e.base1))
	e.foreign, _ = ec2test.Image(t, e.east, ec2test.SeedAMI, "made-by-hand", map[string]string{"Name": "by hand"})

	e.file = filepath.Join(t.TempDir(), "terraform.tfvars")
	if err := os.WriteFile(e.file, []byte("ami_id = \""+e.web[4]+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	history := `{"action":"build","variable":"ami_id","value":"` + e.web[0] + `"}` + "\n" + `{"action":"build","variable":"ami_id","value":"` + e.web[4] + `"}` + "\n"
	if err := os.WriteFile(e.file+".history.jsonl", []byte(history), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ssmchannel.Publish(context.Background(), ssmClient(m, "us-east-1"), "/images/web", e.web[1], "seed"); err != nil {
		t.Fatal(err)
	}
	run, err := e.east.RunInstances(context.Background(), &ec2.RunInstancesInput{ImageId: aws.String(e.web[2]),
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: ec2types.InstanceTypeT3Micro})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.east.StopInstances(context.Background(), &ec2.StopInstancesInput{InstanceIds: []string{aws.ToString(run.Instances[0].InstanceId)}}); err != nil {
		t.Fatal(err)
	}
	return e
}

// registered reports which of ids are registered images in c's region.
func registered(t *testing.T, c *ec2.Client, ids ...string) map[string]bool {
	t.Helper()
	out, err := c.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"self"}})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, img := range out.Images {
		have[aws.ToString(img.ImageId)] = true
	}
	got := map[string]bool{}
	for _, id := range ids {
		got[id] = have[id]
	}
	return got
}

// snapshotExists reports whether snapshot id exists in c's region.
func snapshotExists(t *testing.T, c *ec2.Client, id string) bool {
	t.Helper()
	out, err := c.DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range out.Snapshots {
		if aws.ToString(s.SnapshotId) == id {
			return true
		}
	}
	return false
}
