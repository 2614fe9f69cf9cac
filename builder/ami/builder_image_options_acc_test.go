//go:build acc

package ami

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

const (
	orgARN1 = "arn:aws:organizations::123456789012:organization/o-abcdefghij"
	ouARN1  = "arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdefghij"
	code1   = "abcdefghij0123456789abcde"
)

// imageOptionsTemplate is a build keeping the AMI only in us-west-2, shared with an
// organization, a unit and (its snapshots) an account and the public, with
// tag blocks, run_tags on the image, a product code and protection.
var imageOptionsTemplate = map[string]any{
	"ami_regions": []string{"us-west-2"}, "skip_save_build_region": true, "snapshot_copy_duration_minutes": 30,
	"ami_org_arns": []string{orgARN1}, "ami_ou_arns": []string{ouARN1}, "ami_product_codes": []string{code1},
	"snapshot_users": []string{"210987654321"}, "snapshot_groups": []string{"all"},
	"tag":                       []map[string]any{{"key": "Team", "value": "images"}, {"key": "App", "value": "web-from-block"}},
	"snapshot_tag":              []map[string]any{{"key": "Backup", "value": "no"}},
	"skip_ami_run_tags":         false,
	"deregistration_protection": map[string]any{"enabled": true, "with_cooldown": true},
}

// TestImageOptionsReachTheImage runs imageOptionsTemplate; a same-named image in the
// build region does not stop it (skip_save_build_region checks the name
// only where the AMI is kept). What moto models is checked on the result,
// the rest on the requests.
func TestImageOptionsReachTheImage(t *testing.T) {
	e := newBuildEnv(t)
	proxy := ec2test.StartProxy(t, e.moto)
	proxy.SetEnv(t)
	existing := e.makeImage(t, "immutable-test-image")
	eastSnaps := e.ownSnapshots(t)
	art, err, out := e.run(t, context.Background(), e.template(imageOptionsTemplate), &runHook{})
	if err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	west := e.moto.EC2(t, "us-west-2")
	amis := art.(*Artifact).Amis
	if len(amis) != 1 || amis["us-west-2"] == "" {
		t.Fatalf("artifact %v: want the us-west-2 AMI only", amis)
	}
	if got := imageIDSet(t, e.ec2); len(got) != 1 || !got[existing] {
		t.Errorf("us-east-1 images %v: want only the one there before (intermediate removed)", got)
	}
	for s := range e.ownSnapshots(t) {
		if !eastSnaps[s] {
			t.Errorf("snapshot of the intermediate AMI left in us-east-1: %s", s)
		}
	}
	img, err := describeImage(context.Background(), west, amis["us-west-2"])
	if err != nil {
		t.Fatal(err)
	}
	assertTags(t, "AMI", tagMap(img.Tags), map[string]string{"Team": "images", "App": "web-from-block",
		"Purpose": "bake ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301", BuildUUIDTagKey: tagMap(img.Tags)[BuildUUIDTagKey]})
	assertSharedWithOrgs(t, west, amis["us-west-2"])
	assertSnapshotsShared(t, west, img)
	assertImageRequests(t, proxy, amis["us-west-2"])
	e.assertNothingLeft(t)
}

func assertSharedWithOrgs(t *testing.T, c *ec2.Client, id string) {
	t.Helper()
	attr, err := c.DescribeImageAttribute(context.Background(), &ec2.DescribeImageAttributeInput{ImageId: &id, Attribute: ec2types.ImageAttributeNameLaunchPermission})
	if err != nil {
		t.Fatal(err)
	}
	var orgs, ous []string
	for _, p := range attr.LaunchPermissions {
		if p.OrganizationArn != nil {
			orgs = append(orgs, *p.OrganizationArn)
		}
		if p.OrganizationalUnitArn != nil {
			ous = append(ous, *p.OrganizationalUnitArn)
		}
	}
	if !slices.Equal(orgs, []string{orgARN1}) || !slices.Equal(ous, []string{ouARN1}) {
		t.Errorf("launch permissions %+v: want ami_org_arns and ami_ou_arns", attr.LaunchPermissions)
	}
}

func assertSnapshotsShared(t *testing.T, c *ec2.Client, img ec2types.Image) {
	t.Helper()
	snaps := imageSnapshots(img)
	if len(snaps) == 0 {
		t.Fatal("the AMI has no snapshot")
	}
	for _, s := range snaps {
		attr, err := c.DescribeSnapshotAttribute(context.Background(), &ec2.DescribeSnapshotAttributeInput{SnapshotId: &s,
			Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range attr.CreateVolumePermissions {
			got = append(got, aws.ToString(p.UserId)+string(p.Group))
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"210987654321", "all"}) {
			t.Errorf("snapshot %s create-volume permissions %v: want snapshot_users and snapshot_groups", s, got)
		}
	}
}

// assertImageRequests checks what moto does not model: the time-based copy,
// the product code, and protection as the last change, on the kept AMI.
func assertImageRequests(t *testing.T, proxy *ec2test.Proxy, kept string) {
	t.Helper()
	copies := proxy.Requests("CopyImage")
	if len(copies) != 1 || copies[0].Params.Get("SnapshotCopyCompletionDurationMinutes") != "30" {
		t.Errorf("CopyImage requests %+v: want one time-based copy of 30 minutes", copies)
	}
	var codes []string
	for _, r := range proxy.Requests("ModifyImageAttribute") {
		if c := r.Params.Get("ProductCode.1"); c != "" {
			codes = append(codes, r.Params.Get("ImageId")+"="+c)
		}
	}
	if !slices.Equal(codes, []string{kept + "=" + code1}) {
		t.Errorf("product codes attached: %v, want %s on %s", codes, code1, kept)
	}
	all := proxy.Requests()
	last := all[len(all)-1]
	for i := len(all) - 1; i >= 0 && !slices.Contains([]string{"EnableImageDeregistrationProtection", "CreateTags", "ModifyImageAttribute",
		"ModifySnapshotAttribute", "CopyImage", "CreateImage"}, all[i].Action); i-- {
		last = all[i-1]
	}
	if last.Action != "EnableImageDeregistrationProtection" || last.Params.Get("ImageId") != kept || last.Params.Get("WithCooldown") != "true" ||
		len(proxy.Requests("EnableImageDeregistrationProtection")) != 1 {
		t.Errorf("last image change %s %v: want one EnableImageDeregistrationProtection of %s with cooldown", last.Action, last.Params, kept)
	}
}

// TestProtectionLiftedWhenTheBuildFails: when protecting the last
// region's copy fails, the protection of the AMIs already protected is
// lifted before the failed build deregisters them, and nothing is left.
func TestProtectionLiftedWhenTheBuildFails(t *testing.T) {
	e := newBuildEnv(t)
	proxy := ec2test.StartProxy(t, e.moto)
	proxy.SetEnv(t)
	proxy.Use(refuse("EnableImageDeregistrationProtection", "us-west-2"))
	proxy.SetFaults(ec2test.Faults{}) // counts and orders calls: a retried one would count twice
	raw := e.template(map[string]any{"ami_regions": []string{"eu-west-1", "us-west-2"},
		"deregistration_protection": map[string]any{"enabled": true}})
	if _, err, out := e.run(t, context.Background(), raw, &runHook{}); err == nil {
		t.Fatalf("the build succeeded despite the refused protection\n%s", out)
	}
	var order []string
	for _, r := range proxy.Requests("EnableImageDeregistrationProtection", "DisableImageDeregistrationProtection", "DeregisterImage") {
		order = append(order, r.Action+"@"+r.Region)
	}
	want := []string{"EnableImageDeregistrationProtection@eu-west-1", "EnableImageDeregistrationProtection@us-east-1",
		"EnableImageDeregistrationProtection@us-west-2", "DisableImageDeregistrationProtection@eu-west-1",
		"DisableImageDeregistrationProtection@us-east-1"}
	if len(order) != 8 || !slices.Equal(order[:5], want) {
		t.Errorf("calls %v: want protection lifted where it was set before the three deregistrations", order)
	}
	for _, r := range []string{"us-east-1", "eu-west-1", "us-west-2"} {
		if ids := imageIDSet(t, e.moto.EC2(t, r)); len(ids) != 0 {
			t.Errorf("%s: images left %v", r, ids)
		}
	}
	e.assertNothingLeft(t)
}

// refuse is a proxy hook failing action in region with UnauthorizedOperation.
func refuse(action, region string) ec2proxy.Hook {
	return hookFunc(func(c *ec2proxy.Call) *ec2proxy.Answer {
		if c.Action == action && c.Region == region {
			return ec2proxy.ErrorAnswer(http.StatusForbidden, "UnauthorizedOperation", "You are not authorized to perform this operation.")
		}
		return nil
	})
}

type hookFunc func(c *ec2proxy.Call) *ec2proxy.Answer

func (h hookFunc) Before(c *ec2proxy.Call) *ec2proxy.Answer { return h(c) }
func (hookFunc) After(_ *ec2proxy.Call, body []byte) []byte { return body }
