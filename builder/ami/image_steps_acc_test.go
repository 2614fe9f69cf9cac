//go:build acc

package ami

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

var allRegions = []string{"eu-west-1", "us-east-1", "us-west-2"}

func fullConfig() AMIConfig {
	return AMIConfig{
		AMIName:              "web-v1",
		AMIDescription:       "web from {{ .SourceAMI }}",
		AMITags:              map[string]string{"Name": "web", "Base": "{{ .SourceAMIName }}", "Region": "{{ .BuildRegion }}"},
		SnapshotTags:         map[string]string{"Kind": "root"},
		AMIRegions:           []string{"us-west-2", "eu-west-1"},
		AMIEncryptBootVolume: true,
		AMIKmsKeyID:          "alias/build",
		AMIRegionKMSKeyIDs:   map[string]string{"us-west-2": "alias/west", "eu-west-1": "alias/eu"},
		DeprecationTime:      "2030-01-31T00:00:00Z",
	}
}

// fullSharing shares the image with an account and the public.
func fullSharing(c *Config) {
	c.ImageSharingConfig = ImageSharingConfig{AMIUsers: []string{"210987654321"}, AMIGroups: []string{"all"}}
}

// TestImageStepsMakeTagShareAndCopyTheImage runs every image option
// against moto: the AMI exists in all three regions with rendered tags on it
// and its snapshots, is shared, and the intermediate unencrypted image is
// gone. What moto does not model (encryption, IMDS support, deprecation) is
// asserted on the requests the proxy recorded.
func TestImageStepsMakeTagShareAndCopyTheImage(t *testing.T) {
	f := newImageFixture(t, fullConfig(), fullSharing)
	f.run(t, context.Background())
	if err := f.failed(); err != nil {
		t.Fatalf("build failed: %v\n%s", err, f.out)
	}
	a := newArtifact(f.state, nil)
	amis := a.Amis
	if got := a.Id(); strings.Count(got, ",") != 2 || !strings.HasPrefix(got, "eu-west-1:ami-") {
		t.Errorf("artifact Id = %q, want three sorted region:ami pairs", got)
	}
	for _, region := range allRegions {
		imgs := f.ownImages(t, region)
		if len(imgs) != 1 || aws.ToString(imgs[0].ImageId) != amis[region] {
			t.Fatalf("%s: own images %d, want exactly the artifact's %s", region, len(imgs), amis[region])
		}
		img := imgs[0]
		if aws.ToString(img.Name) != "web-v1" || aws.ToString(img.Description) != "web from "+f.src {
			t.Errorf("%s: name %q description %q", region, aws.ToString(img.Name), aws.ToString(img.Description))
		}
		want := map[string]string{"Name": "web", "Base": "jammy", "Region": "us-east-1", BuildUUIDTagKey: fixtureUUID}
		assertTags(t, region+" AMI", tagMap(img.Tags), want)
		want["Kind"] = "root"
		for _, snap := range imageSnapshots(img) {
			assertTags(t, region+" snapshot "+snap, f.snapshotTags(t, region, snap), want)
		}
		if snaps := f.ownSnapshots(t, region); len(snaps) != 1 {
			t.Errorf("%s: snapshots %v, want only the AMI's (intermediate removed)", region, snaps)
		}
		f.assertShared(t, region, amis[region])
	}
	f.assertRecorded(t, amis)
}

func (f *imageFixture) snapshotTags(t testing.TB, region, id string) map[string]string {
	t.Helper()
	out, err := f.moto.EC2(t, region).DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{SnapshotIds: []string{id}})
	if err != nil || len(out.Snapshots) != 1 {
		t.Fatalf("describe snapshot %s: %v", id, err)
	}
	return tagMap(out.Snapshots[0].Tags)
}

func (f *imageFixture) assertShared(t *testing.T, region, id string) {
	t.Helper()
	out, err := f.moto.EC2(t, region).DescribeImageAttribute(context.Background(), &ec2.DescribeImageAttributeInput{
		ImageId: &id, Attribute: ec2types.ImageAttributeNameLaunchPermission})
	if err != nil {
		t.Fatal(err)
	}
	var user, all bool
	for _, p := range out.LaunchPermissions {
		user = user || aws.ToString(p.UserId) == "210987654321"
		all = all || p.Group == ec2types.PermissionGroupAll
	}
	if !user || !all {
		t.Errorf("%s: launch permissions %+v, want user 210987654321 and group all", region, out.LaunchPermissions)
	}
}

// assertRecorded checks the requests for what moto accepts but ignores.
func (f *imageFixture) assertRecorded(t *testing.T, amis map[string]string) {
	t.Helper()
	keys := map[string]string{"us-east-1": "alias/build", "us-west-2": "alias/west", "eu-west-1": "alias/eu"}
	copies := f.proxy.Requests("CopyImage")
	if len(copies) != 3 {
		t.Errorf("%d CopyImage calls, want 3 (encrypt in place + 2 regions)", len(copies))
	}
	tokens := map[string]bool{}
	for _, c := range copies {
		if c.Params.Get("Encrypted") != "true" || c.Params.Get("KmsKeyId") != keys[c.Region] {
			t.Errorf("CopyImage in %s: Encrypted=%q KmsKeyId=%q, want true %q", c.Region, c.Params.Get("Encrypted"), c.Params.Get("KmsKeyId"), keys[c.Region])
		}
		// A client token makes an SDK retry after a lost answer return the
		// same copy instead of making a second one.
		if tok := c.Params.Get("ClientToken"); tok == "" || tokens[tok] {
			t.Errorf("CopyImage in %s: ClientToken %q, want one of its own", c.Region, tok)
		}
		tokens[c.Params.Get("ClientToken")] = true
	}
	imds := map[string]bool{}
	for _, m := range f.proxy.Requests("ModifyImageAttribute") {
		if m.Params.Get("ImdsSupport.Value") == "v2.0" {
			imds[m.Params.Get("ImageId")] = true
		}
	}
	deprecated := map[string]string{}
	for _, d := range f.proxy.Requests("EnableImageDeprecation") {
		deprecated[d.Params.Get("ImageId")] = d.Params.Get("DeprecateAt")
	}
	for region, id := range amis {
		if !imds[id] {
			t.Errorf("%s: no ModifyImageAttribute ImdsSupport=v2.0 for %s", region, id)
		}
		if !strings.HasPrefix(deprecated[id], "2030-01-31T00:00:00") {
			t.Errorf("%s: EnableImageDeprecation for %s = %q", region, id, deprecated[id])
		}
	}
}
