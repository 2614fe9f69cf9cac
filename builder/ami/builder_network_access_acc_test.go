//go:build acc

package ami

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// TestVpcFilterAndFilterBlocks: vpc_filter finds the one tagged VPC, and
// subnet_filter / security_group_filter given as `filter` blocks find the
// subnet and group inside it; a vpc_filter matching two VPCs, and a
// subnet outside availability_zone, fail before launch naming the
// attribute.
func TestVpcFilterAndFilterBlocks(t *testing.T) {
	e := newBuildEnv(t)
	vpc, sn := e.makeVPC(t, "10.7.0.0/16", "us-east-1c")
	e.tag(t, map[string]string{"Class": "build"}, vpc, sn)
	group := e.makeGroup(t, vpc, map[string]string{"Class": "build"})
	hook := &runHook{fail: func() error {
		inst := e.buildInstance(t)
		if aws.ToString(inst.VpcId) != vpc || aws.ToString(inst.SubnetId) != sn || aws.ToString(inst.SecurityGroups[0].GroupId) != group {
			t.Errorf("instance in %s/%s with %+v, want %s/%s with %s", aws.ToString(inst.VpcId), aws.ToString(inst.SubnetId),
				inst.SecurityGroups, vpc, sn, group)
		}
		return nil
	}}
	byTag := []map[string]any{{"name": "tag:Class", "value": "build"}}
	raw := e.template(map[string]any{"vpc_filter": map[string]any{"filter": byTag}, "subnet_filter": map[string]any{"filter": byTag},
		"security_group_filter": map[string]any{"filter": byTag}, "temporary_security_group_source_cidrs": nil})
	if _, err, out := e.run(t, context.Background(), raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	e.assertNothingLeft(t)

	other, _ := e.makeVPC(t, "10.8.0.0/16", "us-east-1d")
	e.tag(t, map[string]string{"Class": "build"}, other)
	raw["ami_name"] = "second-image" // the first build's is taken
	if _, err, _ := e.run(t, context.Background(), raw, &runHook{}); err == nil || !strings.Contains(err.Error(), "vpc_filter") ||
		!strings.Contains(err.Error(), "matched 2 VPCs") {
		t.Errorf("two matching VPCs: %v", err)
	}
	raw = e.template(map[string]any{"subnet_id": sn, "availability_zone": "us-east-1a", "security_group_ids": []string{group},
		"temporary_security_group_source_cidrs": nil, "ami_name": "third-image"})
	if _, err, _ := e.run(t, context.Background(), raw, &runHook{}); err == nil || !strings.Contains(err.Error(), "not in availability_zone us-east-1a") {
		t.Errorf("subnet outside availability_zone: %v", err)
	}
	e.assertNothingLeft(t)
}

func (e *buildEnv) tag(t *testing.T, tags map[string]string, ids ...string) {
	t.Helper()
	if _, err := e.ec2.CreateTags(context.Background(), &ec2.CreateTagsInput{Resources: ids, Tags: ec2Tags(tags)}); err != nil {
		t.Fatal(err)
	}
}

// TestCredentialsCheckedBeforeAnythingIsCreated: with STS unreachable the
// build stops at the credential check, naming skip_credential_validation,
// before any EC2 call; with skip_credential_validation it never asks STS
// and succeeds. A normal build says whose credentials it uses.
func TestCredentialsCheckedBeforeAnythingIsCreated(t *testing.T) {
	e := newBuildEnv(t)
	proxy := ec2test.StartProxy(t, e.moto)
	proxy.SetEnv(t)
	_, err, out := e.run(t, context.Background(), e.template(nil), &runHook{})
	if err != nil || !strings.Contains(out, "Building as arn:aws:") {
		t.Fatalf("build: %v; want it to name the caller\n%s", err, out)
	}
	e.moto.Reset(t)
	proxy.Reset()
	t.Setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	proxy.SetFaults(ec2test.Faults{}) // one attempt per call and per wait: nothing pending, nothing refused
	_, err, out = e.run(t, context.Background(), e.template(nil), &runHook{})
	if err == nil || !strings.Contains(err.Error(), "sts:GetCallerIdentity") || !strings.Contains(err.Error(), "skip_credential_validation") {
		t.Fatalf("STS unreachable: %v\n%s", err, out)
	}
	if n := len(proxy.Requests()); n != 0 {
		t.Errorf("%d EC2 calls before the credentials were known to work", n)
	}
	if _, err, out := e.run(t, context.Background(), e.template(map[string]any{"skip_credential_validation": true}), &runHook{}); err != nil {
		t.Fatalf("skip_credential_validation: %v\n%s", err, out)
	}
	e.assertNothingLeft(t)
}

// TestSkipRegionValidation: the region check (DescribeRegions) is skipped,
// and the build still works.
func TestSkipRegionValidation(t *testing.T) {
	e := newBuildEnv(t)
	proxy := ec2test.StartProxy(t, e.moto)
	proxy.SetEnv(t)
	raw := e.template(map[string]any{"skip_region_validation": true, "ami_regions": []string{"us-west-2"}})
	if _, err, out := e.run(t, context.Background(), raw, &runHook{}); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if n := len(proxy.Requests("DescribeRegions")); n != 0 {
		t.Errorf("DescribeRegions called %d times with skip_region_validation", n)
	}
}
