//go:build acc

package tfvars

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
)

// Three builds of web against moto, each through the post-processor with
// ssm_parameter and prune { keep = 1 }: the third build prunes nothing,
// because the first two are in the tfvars history and in the channel.
// Once the channel is gone and the history keeps two entries, a fourth
// build prunes exactly the images nothing names any more, and keeps its
// rollback target.
func TestEachBuildPrunesBehindItself(t *testing.T) {
	m := ec2test.Start(t)
	m.SetEnv(t)
	c := m.EC2(t, "us-east-1")
	path := filepath.Join(t.TempDir(), "terraform.tfvars")
	var images []string
	build := func(keepHistory int) string {
		name := "web-" + string(rune('1'+len(images)))
		id, _ := ec2test.Image(t, c, ec2test.SeedAMI, name, lineage.Info{BuildUUID: "u" + name, Build: "immutable-ami.web", BuildRegion: "us-east-1"}.Tags())
		images = append(images, id)
		pp := &PostProcessor{}
		if err := pp.Configure(map[string]interface{}{"packer_build_name": "web", "packer_builder_type": "immutable-ami"},
			map[string]interface{}{"path": path, "ssm_parameter": "/images/web", "keep_history": keepHistory,
				"prune": map[string]interface{}{"keep": 1, "keep_within": "0s", "regions": []string{"us-east-1"}}}); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		a := &ebsArtifact{amis: "us-east-1:" + id, generated: map[string]interface{}{"BuildRegion": "us-east-1"}}
		if _, _, _, err := pp.PostProcess(context.Background(), &packersdk.BasicUi{Writer: &out, ErrorWriter: &out}, a); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out.String())
		}
		return out.String()
	}
	build(10)
	build(10)
	if out := build(10); !strings.Contains(out, "Nothing to delete") {
		t.Errorf("third build pruned something:\n%s", out)
	}
	if got := registeredImages(t, c); len(got) != 3 {
		t.Errorf("after three builds: %v", got)
	}
	// The channel goes, and the history keeps two entries: web-1 and web-2
	// are then named nowhere.
	s := ssm.New(ssm.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL), Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	if _, err := s.DeleteParameter(context.Background(), &ssm.DeleteParameterInput{Name: aws.String("/images/web")}); err != nil {
		t.Fatal(err)
	}
	out := build(2)
	got := registeredImages(t, c)
	if got[images[0]] || got[images[1]] || !got[images[2]] || !got[images[3]] || !strings.Contains(out, "rollback target") {
		t.Errorf("fourth build: registered %v; want web-3 (the rollback target) and web-4 only\n%s", got, out)
	}
	p, err := s.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String("/images/web")})
	if err != nil || aws.ToString(p.Parameter.Value) != images[3] || aws.ToString(p.Parameter.DataType) != "aws:ec2:image" {
		t.Errorf("channel: %+v %v", p, err)
	}
}

func registeredImages(t *testing.T, c *ec2.Client) map[string]bool {
	t.Helper()
	out, err := c.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"self"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, img := range out.Images {
		got[aws.ToString(img.ImageId)] = true
	}
	return got
}
