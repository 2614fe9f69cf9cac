package ami

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtest"
)

func TestPrepareSourceFromSSMAndReservedTags(t *testing.T) {
	for _, tc := range []struct {
		edit func(m map[string]any)
		want string // "" for valid
	}{
		{func(m map[string]any) { m["source_ami"] = "resolve:ssm:/images/base:prod" }, ""},
		{func(m map[string]any) { m["source_ami"] = "resolve:ssm:/images/base" }, ""},
		{func(m map[string]any) {
			m["source_ami"] = "resolve:ssm:/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id"
		}, ""},
		{func(m map[string]any) { m["source_ami"] = "resolve:ssm:images/base" }, `source_ami "resolve:ssm:images/base": parameter name "images/base" has a hierarchy and must start with /`},
		{func(m map[string]any) { m["source_ami"] = "resolve:ssm:/images/base:1prod" }, "neither a version number nor a valid label"},
		{func(m map[string]any) { m["source_ami"] = "/images/base" }, "resolve:ssm:/images/base"},
		{func(m map[string]any) { m["tags"] = map[string]string{"immutable:build": "x", "Name": "y"} }, `tags: immutable:build: keys starting with "immutable:" are the plugin's own`},
		{func(m map[string]any) { m["snapshot_tags"] = map[string]string{"immutable:depth": "1"} }, "snapshot_tags: immutable:depth"},
		{func(m map[string]any) { m["template_dir"] = "/nonexistent/folder" }, `template_dir "/nonexistent/folder" is not a folder`},
	} {
		m := minimalTemplate()
		tc.edit(m)
		var c Config
		err := c.Prepare(m)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%v: %v, want %q", m, err, tc.want)
		}
	}
}

func TestStepResolveSourceAMI(t *testing.T) {
	f := ssmtest.New()
	for _, img := range []string{"ami-00000000000000001", "ami-00000000000000002"} {
		if _, err := ssmchannel.Publish(context.Background(), f, "/images/base", img, "b"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ssmchannel.Promote(context.Background(), f, "/images/base", "1", "prod"); err != nil {
		t.Fatal(err)
	}
	step := func(ref string) (*multistep.BasicStateBag, multistep.StepAction, string) {
		r, _ := ssmchannel.ParseRef(ref)
		var out bytes.Buffer
		state := testState(&out)
		s := &StepResolveSourceAMI{SSM: func(context.Context) (ssmchannel.Reader, error) { return f, nil }, Ref: r}
		return state, s.Run(context.Background(), state), out.String()
	}
	for ref, want := range map[string]string{"/images/base:prod": "ami-00000000000000001", "/images/base": "ami-00000000000000002", "/images/base:2": "ami-00000000000000002"} {
		state, action, _ := step(ref)
		id, _ := stateGet[string](state, stateSourceAMIID)
		param, _ := stateGet[string](state, stateSourceParameter)
		if action != multistep.ActionContinue || id != want || !strings.HasPrefix(param, ref+" (version ") {
			t.Errorf("%s: %v %q %q, want %s", ref, action, id, param, want)
		}
	}
	_, action, out := step("/images/base:qa")
	if action != multistep.ActionHalt || !strings.Contains(out, `source_ami resolve:ssm:/images/base:qa: SSM parameter /images/base has no version labelled "qa"`) {
		t.Errorf("a missing label: %v %q", action, out)
	}
	if _, err := f.PutParameter(context.Background(), lockless("/images/text", "hello")); err != nil {
		t.Fatal(err)
	}
	if _, action, out := step("/images/text"); action != multistep.ActionHalt || !strings.Contains(out, `holds "hello", not an AMI ID`) {
		t.Errorf("a parameter that holds no image: %v %q", action, out)
	}
}

// sourceImages answers DescribeImages with one image and records the IDs
// asked for.
type sourceImages struct {
	img   ec2types.Image
	asked []string
}

func (s *sourceImages) DescribeImages(_ context.Context, in *ec2.DescribeImagesInput, _ ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	s.asked = append(s.asked, in.ImageIds...)
	return &ec2.DescribeImagesOutput{Images: []ec2types.Image{s.img}}, nil
}

func (s *sourceImages) DescribeInstanceTypes(context.Context, *ec2.DescribeInstanceTypesInput, ...func(*ec2.Options)) (*ec2.DescribeInstanceTypesOutput, error) {
	return &ec2.DescribeInstanceTypesOutput{InstanceTypes: []ec2types.InstanceTypeInfo{{InstanceType: "t3.micro"}}}, nil
}

// The source step looks up the resolved image, and the lineage step records
// it with the chain it extends (the source is a base image of ours).
func TestLineageOfAnImageBuiltOnOurs(t *testing.T) {
	base := ec2types.Image{ImageId: aws.String("ami-000000000000000b1"), Name: aws.String("base-1"),
		Tags: ec2Tags(lineage.Info{BuildUUID: "ub", SourceAMI: "ami-0000000000000000a", RootAMI: "ami-0000000000000000a", Depth: 1}.Tags())}
	fake := &sourceImages{img: base}
	var out bytes.Buffer
	state := testState(&out)
	statePut(state, stateSourceAMIID, "ami-000000000000000b1")
	statePut(state, stateSourceParameter, "/images/base:prod (version 1)")
	steps := []multistep.Step{
		&StepSourceAMI{EC2: fake, SourceAMI: "resolve:ssm:/images/base:prod", Types: InstanceTypes{"instance_type", []string{"t3.micro"}}},
		&StepLineage{BuildUUID: "ua", Build: "immutable-ami.app", Region: "us-east-1", TemplateDir: t.TempDir()},
	}
	(&multistep.BasicRunner{Steps: steps}).Run(context.Background(), state)
	tags, _ := stateGet[map[string]string](state, stateLineageTags)
	want := map[string]string{lineage.SourceAMI: "ami-000000000000000b1", lineage.RootAMI: "ami-0000000000000000a", lineage.Depth: "2",
		lineage.SourceParameter: "/images/base:prod (version 1)", lineage.Build: "immutable-ami.app", lineage.BuildUUID: "ua", lineage.BuildRegion: "us-east-1"}
	for k, v := range want {
		if tags[k] != v {
			t.Errorf("tag %s = %q, want %q\n%s", k, tags[k], v, out.String())
		}
	}
	if len(fake.asked) != 1 || fake.asked[0] != "ami-000000000000000b1" || len(tags[lineage.Fingerprint]) != 64 {
		t.Errorf("looked up %v; fingerprint %q", fake.asked, tags[lineage.Fingerprint])
	}
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func lockless(name, value string) *ssm.PutParameterInput {
	return &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value)}
}

// tagRecorder is an image with one snapshot; it records CreateTags calls.
type tagRecorder struct {
	tagged map[string]map[string]string
}

func (f *tagRecorder) DescribeImages(context.Context, *ec2.DescribeImagesInput, ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	return &ec2.DescribeImagesOutput{Images: []ec2types.Image{{ImageId: aws.String("ami-1"),
		BlockDeviceMappings: []ec2types.BlockDeviceMapping{{Ebs: &ec2types.EbsBlockDevice{SnapshotId: aws.String("snap-1")}}}}}}, nil
}

func (f *tagRecorder) CreateTags(_ context.Context, in *ec2.CreateTagsInput, _ ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	for _, r := range in.Resources {
		f.tagged[r] = tagMap(in.Tags)
	}
	return &ec2.CreateTagsOutput{}, nil
}

func TestLineageTagsGoOnTheImageAndItsSnapshots(t *testing.T) {
	fake := &tagRecorder{tagged: map[string]map[string]string{}}
	var out bytes.Buffer
	state := testState(&out)
	statePut(state, stateAMIs, map[string]string{"us-east-1": "ami-1"})
	statePut(state, stateLineageTags, map[string]string{lineage.SourceAMI: "ami-0000000000000000a", lineage.Depth: "1"})
	s := &StepTagImages{Clients: func(context.Context, string) (tagImagesEC2, error) { return fake, nil },
		Tags: map[string]string{"Name": "web"}, BuildTags: map[string]string{lineage.BuildUUID: "u"}, Polling: fastPolling}
	if action := s.Run(context.Background(), state); action != multistep.ActionContinue {
		t.Fatal(out.String())
	}
	for _, r := range []string{"ami-1", "snap-1"} {
		if got := fake.tagged[r]; got[lineage.SourceAMI] != "ami-0000000000000000a" || got[lineage.Depth] != "1" || got["Name"] != "web" || got[lineage.BuildUUID] != "u" {
			t.Errorf("%s tagged %v", r, got)
		}
	}
}
