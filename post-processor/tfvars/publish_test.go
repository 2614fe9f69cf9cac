package tfvars

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// withSSM configures the post-processor with ssm_parameter and one fake
// Parameter Store per region.
func withSSM(t *testing.T, path string, extra map[string]interface{}) (*PostProcessor, map[string]*ssmtest.Fake) {
	t.Helper()
	raw := map[string]interface{}{"path": path, "ssm_parameter": "/images/web"}
	for k, v := range extra {
		raw[k] = v
	}
	pp := configure(t, raw)
	stores := map[string]*ssmtest.Fake{"us-east-1": ssmtest.New(), "us-west-2": ssmtest.New()}
	pp.ssmFor = func(_ context.Context, region string) (ssmchannel.Writer, error) { return stores[region], nil }
	return pp, stores
}

func latest(f *ssmtest.Fake) string {
	vs := f.Versions("/images/web")
	if len(vs) == 0 {
		return ""
	}
	return aws.ToString(vs[len(vs)-1].Value)
}

func TestPublishesEachRegionsImage(t *testing.T) {
	t.Setenv("PACKER_RUN_UUID", "run-1")
	path := filepath.Join(t.TempDir(), "terraform.tfvars")
	pp, stores := withSSM(t, path, nil)
	if _, _, _, err := pp.PostProcess(context.Background(), packersdk.TestUi(t), newArtifact()); err != nil {
		t.Fatal(err)
	}
	for region, want := range map[string]string{"us-east-1": east, "us-west-2": west} {
		vs := stores[region].Versions("/images/web")
		if len(vs) != 1 || aws.ToString(vs[0].Value) != want || aws.ToString(vs[0].DataType) != "aws:ec2:image" ||
			aws.ToString(vs[0].Description) != "packer-plugin-immutable build: amazon-ebs.example, run run-1" {
			t.Errorf("%s: versions %+v, want %s", region, vs, want)
		}
	}
	if v := value(t, path); v != west {
		t.Errorf("tfvars ami_id = %s", v)
	}
}

// When the tfvars file cannot be written, Packer deletes the image: the
// channel must not keep naming it.
func TestTfvarsFailureRevertsTheChannel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terraform.tfvars")
	pp, stores := withSSM(t, path, nil)
	if _, err := ssmchannel.Publish(context.Background(), stores["us-east-1"], "/images/web", "ami-0000000000000000a", "earlier"); err != nil {
		t.Fatal(err)
	}
	broken := []byte("ami_id = \"ami-1\"\nami_id = \"ami-2\"\n") // broken after Prepare checked it
	if err := os.WriteFile(path, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := pp.PostProcess(context.Background(), packersdk.TestUi(t), newArtifact())
	if err == nil || !strings.Contains(err.Error(), "appears twice") {
		t.Fatalf("PostProcess: %v", err)
	}
	if got := latest(stores["us-east-1"]); got != "ami-0000000000000000a" {
		t.Errorf("us-east-1 latest %s, want the earlier image written again", got)
	}
	if vs := stores["us-west-2"].Versions("/images/web"); len(vs) != 0 {
		t.Errorf("us-west-2 has versions %+v; the parameter the build created must be gone", vs)
	}
}

func TestChannelFailureLeavesEverythingAsItWas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terraform.tfvars")
	before := []byte("ami_id = \"ami-00000000\"\n")
	if err := os.WriteFile(path, before, 0o644); err != nil {
		t.Fatal(err)
	}
	pp, stores := withSSM(t, path, nil)
	stores["us-west-2"].Before = func(op, name string) error {
		if op == "PutParameter" && name == "/images/web" {
			return errors.New("AccessDeniedException: not allowed in us-west-2")
		}
		return nil
	}
	var out bytes.Buffer
	ui := &packersdk.BasicUi{Writer: &out, ErrorWriter: &out}
	_, _, _, err := pp.PostProcess(context.Background(), ui, newArtifact())
	if err == nil || !strings.Contains(err.Error(), "ssm_parameter /images/web in us-west-2") {
		t.Fatalf("PostProcess: %v", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, before) || len(stores["us-east-1"].Versions("/images/web")) != 0 {
		t.Errorf("tfvars %q, us-east-1 versions %v: both must be as they were\n%s", got, stores["us-east-1"].Versions("/images/web"), out.String())
	}
}

func value(t *testing.T, path string) string {
	t.Helper()
	v, _, err := tfvarsfile.Read(path, "ami_id", false)
	if err != nil {
		t.Fatal(err)
	}
	return v.String
}
