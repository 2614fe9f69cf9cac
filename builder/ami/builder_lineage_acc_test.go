//go:build acc

package ami

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// A base image built on Canonical's, then an app image whose source_ami
// is resolve:ssm:/images/base:prod: the app starts from the base (the
// parameter resolved before the source checks), and both carry their
// lineage: the app's chain reaches the Ubuntu image at depth 2.
func TestBuildChainsImagesThroughAnSSMLabel(t *testing.T) {
	e := newBuildEnv(t)
	repo := gitRepo(t)
	base := e.buildNamed(t, "base", map[string]any{"ami_name": "base-1", "template_dir": repo})
	bt := e.imageTags(t, base)
	const ubuntu = "ami-0a1b2c3d4e5f60002" // the newest jammy, as source_ami_filter picks it
	for k, v := range map[string]string{lineage.Build: "immutable-ami.base", lineage.SourceAMI: ubuntu, lineage.RootAMI: ubuntu,
		lineage.Depth: "1", lineage.BuildRegion: "us-east-1", lineage.Template: ".", lineage.GitDirty: "false"} {
		if bt[k] != v {
			t.Errorf("base image tag %s = %q, want %q (all %v)", k, bt[k], v, bt)
		}
	}
	if len(bt[lineage.GitCommit]) != 40 || len(bt[lineage.Fingerprint]) != 64 {
		t.Errorf("base image: commit %q, fingerprint %q", bt[lineage.GitCommit], bt[lineage.Fingerprint])
	}
	c := ssm.New(ssm.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.moto.URL), Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	if _, err := ssmchannel.Publish(context.Background(), c, "/images/base", base, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := ssmchannel.Promote(context.Background(), c, "/images/base", "", "prod"); err != nil {
		t.Fatal(err)
	}
	app := e.buildNamed(t, "app", map[string]any{"ami_name": "app-1", "source_ami": "resolve:ssm:/images/base:prod",
		"source_ami_filter": map[string]any{}, "template_dir": repo})
	at := e.imageTags(t, app)
	for k, v := range map[string]string{lineage.Build: "immutable-ami.app", lineage.SourceAMI: base, lineage.RootAMI: ubuntu,
		lineage.Depth: "2", lineage.SourceParameter: "/images/base:prod (version 1)", "Source": base} {
		if at[k] != v {
			t.Errorf("app image tag %s = %q, want %q (all %v)", k, at[k], v, at)
		}
	}
	if at[lineage.Fingerprint] == bt[lineage.Fingerprint] {
		t.Error("base and app have one fingerprint, but their source images differ")
	}
}

// buildNamed runs the builder as build NAME of a template and returns the
// AMI it made.
func (e *buildEnv) buildNamed(t *testing.T, name string, extra map[string]any) string {
	t.Helper()
	raw := e.template(extra)
	raw["packer_build_name"], raw["packer_builder_type"] = name, "immutable-ami"
	if f, ok := extra["source_ami_filter"].(map[string]any); ok && len(f) == 0 {
		delete(raw, "source_ami_filter")
	}
	art, err, out := e.run(t, context.Background(), raw, &runHook{})
	if err != nil {
		t.Fatalf("build %s: %v\n%s", name, err, out)
	}
	return art.(*Artifact).Amis["us-east-1"]
}

// imageTags returns the tags of image id, checking that its snapshots
// carry the lineage too.
func (e *buildEnv) imageTags(t *testing.T, id string) map[string]string {
	t.Helper()
	out, err := e.ec2.DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{id}})
	if err != nil || len(out.Images) != 1 {
		t.Fatalf("describing %s: %v", id, err)
	}
	tags := tagMap(out.Images[0].Tags)
	snap := aws.ToString(out.Images[0].BlockDeviceMappings[0].Ebs.SnapshotId)
	s, err := e.ec2.DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{SnapshotIds: []string{snap}})
	if err != nil || len(s.Snapshots) != 1 || tagMap(s.Snapshots[0].Tags)[lineage.SourceAMI] != tags[lineage.SourceAMI] {
		t.Errorf("snapshot %s of %s lacks the lineage: %v", snap, id, err)
	}
	return tags
}

// gitRepo is a committed git work tree holding a template.
func gitRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "image.pkr.hcl"), []byte("# template\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-qm", "template"}} {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}
