package tfvars

import (
	"bytes"
	"context"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// ebsArtifact mimics the artifact of amazon-ebs (packer-plugin-amazon):
// its builder ID, its "region:ami" Id() and its generated data. The
// post-processor must work with it as well as with immutable-ami's.
type ebsArtifact struct {
	amis      string
	generated interface{}
	destroyed bool
}

func (a *ebsArtifact) BuilderId() string { return "mitchellh.amazonebs" }
func (a *ebsArtifact) Files() []string   { return nil }
func (a *ebsArtifact) Id() string        { return a.amis }
func (a *ebsArtifact) String() string    { return "AMIs were created:\n" + a.amis }
func (a *ebsArtifact) Destroy() error    { a.destroyed = true; return nil }
func (a *ebsArtifact) State(name string) interface{} {
	if name == "generated_data" {
		return a.generated
	}
	return nil
}

const (
	east = "ami-0123456789abcdef0"
	west = "ami-0fedcba9876543210"
)

func newArtifact() *ebsArtifact {
	return &ebsArtifact{
		amis:      "us-east-1:" + east + ",us-west-2:" + west,
		generated: map[string]interface{}{"BuildRegion": "us-west-2", "SourceAMI": "ami-0aaaaaaaaaaaaaaaa", "SourceAMIName": "ubuntu/images/jammy"},
	}
}

func configure(t *testing.T, raws ...map[string]interface{}) *PostProcessor {
	t.Helper()
	pp := &PostProcessor{}
	args := []interface{}{map[string]interface{}{"packer_build_name": "example", "packer_builder_type": "amazon-ebs"}}
	for _, r := range raws {
		args = append(args, r)
	}
	if err := pp.Configure(args...); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	return pp
}

func TestPostProcessAfterAmazonEBS(t *testing.T) {
	t.Setenv("PACKER_RUN_UUID", "5a0f0bd4-3c4b-4e6e-9f65-0123456789ab")
	dir := t.TempDir()
	path := filepath.Join(dir, "terraform.tfvars")
	before := "region = \"us-west-2\" # where we deploy\r\n\r\n# set by packer\r\nami_id = \"ami-00000000\"   # do not edit\r\n"
	if err := os.WriteFile(path, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	pp := configure(t, map[string]interface{}{"path": path, "map_variable": "ami_ids"})
	in := newArtifact()
	out, keep, force, err := pp.PostProcess(context.Background(), packersdk.TestUi(t), in)
	if err != nil {
		t.Fatal(err)
	}
	if out != packersdk.Artifact(in) || !keep || !force || in.destroyed {
		t.Errorf("artifact must pass through kept: out=%v keep=%v force=%v destroyed=%v", out, keep, force, in.destroyed)
	}
	want := "region = \"us-west-2\" # where we deploy\r\n\r\n# set by packer\r\nami_id = \"" + west + "\"   # do not edit\r\n" +
		"ami_ids = {\r\n  \"us-east-1\" = \"" + east + "\"\r\n  \"us-west-2\" = \"" + west + "\"\r\n}\r\n"
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("tfvars =\n%q\nwant\n%q", got, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v not kept", fi.Mode().Perm())
	}
	h, err := tfvarsfile.ReadHistory(path)
	if err != nil || len(h) != 2 {
		t.Fatalf("history %+v, %v", h, err)
	}
	if f := h[0]; f.Action != tfvarsfile.ActionFound || f.Value != "ami-00000000" || f.Raw["ami_id"] != `"ami-00000000"` || f.Raw["ami_ids"] != "" {
		t.Errorf("the hand-written value is not recorded: %+v", f)
	}
	e := h[1]
	if e.Value != west || e.Images["us-east-1"] != east || e.Build != "amazon-ebs.example" ||
		e.SourceAMI != "ami-0aaaaaaaaaaaaaaaa" || e.RunUUID != "5a0f0bd4-3c4b-4e6e-9f65-0123456789ab" || e.Action != "build" {
		t.Errorf("history entry = %+v", e)
	}

	// A second run with the same artifact changes nothing.
	snapshot, _ := os.ReadFile(path)
	if _, _, _, err := pp.PostProcess(context.Background(), packersdk.TestUi(t), in); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, snapshot) {
		t.Error("a repeated run rewrote the file")
	}
	if h, _ := tfvarsfile.ReadHistory(path); len(h) != 2 {
		t.Errorf("a no-op added history: %d entries", len(h))
	}
}

func TestPostProcessCreatesFileAndRefusesOtherArtifacts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "prod.tfvars")
	pp := configure(t, map[string]interface{}{"path": path})
	a := &ebsArtifact{amis: "eu-west-1:" + east}
	if _, _, _, err := pp.PostProcess(context.Background(), packersdk.TestUi(t), a); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "ami_id = \""+east+"\"\n" {
		t.Errorf("created %q", got)
	}
	null := &ebsArtifact{amis: "Did not export anything. This is the null builder"}
	_, _, _, err := pp.PostProcess(context.Background(), packersdk.TestUi(t), null)
	if err == nil || !strings.Contains(err.Error(), "not a list of region:ami-id pairs") {
		t.Errorf("null artifact: %v", err)
	}
	multi := &ebsArtifact{amis: "us-east-1:" + east + ",us-west-2:" + west}
	_, _, _, err = pp.PostProcess(context.Background(), packersdk.TestUi(t), multi)
	if err == nil || !strings.Contains(err.Error(), `set region = "…"`) {
		t.Errorf("two regions without BuildRegion: %v", err)
	}
}

// The builder's generated data carries the temporary SSH private key (the
// SDK puts it there for provisioners): the post-processor's log must hold
// neither the key nor any line of it.
func TestPostProcessLogsNoSecretOfTheGeneratedData(t *testing.T) {
	const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDistinctiveKeyBodyLineForTheLeakTestxxxxxxxxxxxxxxxxxxxxxx\n-----END OPENSSH PRIVATE KEY-----\n"
	var logged bytes.Buffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	pp := configure(t, map[string]interface{}{"path": filepath.Join(t.TempDir(), "terraform.tfvars")})
	a := newArtifact()
	a.generated = map[interface{}]interface{}{"BuildRegion": "us-west-2", "SourceAMI": "ami-0aaaaaaaaaaaaaaaa",
		"SSHPrivateKey": key, "Password": "a-distinctive-password", "WinRMPassword": "another-distinctive-one"}
	if _, _, _, err := pp.PostProcess(context.Background(), packersdk.TestUi(t), a); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", "DistinctiveKeyBodyLine", "a-distinctive-password", "another-distinctive-one"} {
		if strings.Contains(logged.String(), secret) {
			t.Errorf("the log holds %q:\n%s", secret, logged.String())
		}
	}
	if !strings.Contains(logged.String(), `source AMI "ami-0aaaaaaaaaaaaaaaa"`) {
		t.Errorf("the log does not say what was used:\n%s", logged.String())
	}
}
