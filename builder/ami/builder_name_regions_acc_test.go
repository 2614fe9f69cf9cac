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

// TestAMINameTakenInCopyRegionFailsBeforeLaunch: an AMI of the same name in
// an ami_regions region (not the build region) stops the build before
// anything is launched, with an error naming ami_name, ami_regions and
// force_deregister; a mistyped ami_regions entry is caught the same way.
func TestAMINameTakenInCopyRegionFailsBeforeLaunch(t *testing.T) {
	e := newBuildEnv(t)
	west := e.moto.EC2(t, "us-west-2")
	old := makeImageWith(t, west, "copied-name")
	for _, tc := range []struct {
		name    string
		regions []string
		want    []string
	}{
		{"name taken", []string{"us-west-2"}, []string{`"copied-name"`, "ami_regions region us-west-2", old,
			"ami_name", "force_deregister"}},
		{"unknown region", []string{"us-wset-2"}, []string{`ami_regions entry "us-wset-2" is not an EC2 region`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := e.template(map[string]any{"ami_name": "copied-name", "ami_regions": tc.regions})
			_, err, out := e.run(t, context.Background(), raw, &runHook{})
			if err == nil {
				t.Fatalf("build succeeded:\n%s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(out, "Launching") || len(e.instances(t, e.ec2)) != 0 {
				t.Errorf("an instance was launched:\n%s", out)
			}
			e.assertNothingLeft(t)
		})
	}
}

// TestForceDeregisterReplacesInEveryRegion: with force_deregister and
// force_delete_snapshot, same-named AMIs in the build region and in an
// ami_regions region are removed with their snapshots, and the new image
// takes the name in both.
func TestForceDeregisterReplacesInEveryRegion(t *testing.T) {
	e := newBuildEnv(t)
	west := e.moto.EC2(t, "us-west-2")
	oldEast, oldWest := e.makeImage(t, "replaced"), makeImageWith(t, west, "replaced")
	snapWest := snapshotsOf(t, west, oldWest)
	raw := e.template(map[string]any{"ami_name": "replaced", "ami_regions": []string{"us-west-2"},
		"force_deregister": true, "force_delete_snapshot": true})
	art, err, out := e.run(t, context.Background(), raw, &runHook{})
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = art.Destroy() })
	for region, c := range map[string]*ec2.Client{"us-east-1": e.ec2, "us-west-2": west} {
		imgs := namedImages(t, c, "replaced")
		if len(imgs) != 1 || aws.ToString(imgs[0].ImageId) == oldEast || aws.ToString(imgs[0].ImageId) == oldWest {
			t.Errorf("%s: images named replaced = %v, want only the new one", region, imageIDs(imgs))
		}
	}
	for _, snap := range snapWest {
		if _, err := west.DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{SnapshotIds: []string{snap}}); err == nil {
			t.Errorf("snapshot %s of the replaced us-west-2 AMI is still there", snap)
		}
	}
}

func (e *buildEnv) instances(t *testing.T, c *ec2.Client) []string {
	t.Helper()
	out, err := c.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag-key"), Values: []string{BuildUUIDTagKey}}}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			ids = append(ids, aws.ToString(i.InstanceId))
		}
	}
	return ids
}

func namedImages(t *testing.T, c *ec2.Client, name string) []ec2types.Image {
	t.Helper()
	out, err := c.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"self"},
		Filters: []ec2types.Filter{{Name: aws.String("name"), Values: []string{name}}}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Images
}

func imageIDs(imgs []ec2types.Image) []string {
	var ids []string
	for _, i := range imgs {
		ids = append(ids, aws.ToString(i.ImageId))
	}
	return ids
}

func snapshotsOf(t *testing.T, c *ec2.Client, id string) []string {
	t.Helper()
	out, err := c.DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{id}})
	if err != nil || len(out.Images) != 1 {
		t.Fatalf("describing %s: %v", id, err)
	}
	snaps := imageSnapshots(out.Images[0])
	if len(snaps) == 0 {
		t.Fatalf("%s has no snapshots", id)
	}
	return snaps
}
