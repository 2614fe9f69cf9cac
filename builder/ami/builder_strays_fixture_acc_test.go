//go:build acc

package ami

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// makeStrays makes one of each kind of resource a build makes, tagged with
// build ID id, straight in moto: kind -> ID (key pairs by name). The
// instance is running, the volume available, the AMI has its snapshot and
// a second, loose snapshot is its own kind.
func makeStrays(t *testing.T, c *ec2.Client, src, id string, specs func(string) []ec2types.TagSpecification) map[string]string {
	t.Helper()
	ctx := context.Background()
	spec := func(rt ec2types.ResourceType) []ec2types.TagSpecification {
		s := specs(id)
		s[0].ResourceType = rt
		return s
	}
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: &src, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		TagSpecifications: spec(ec2types.ResourceTypeInstance)})
	must(t, err)
	inst := aws.ToString(run.Instances[0].InstanceId)
	img, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: &inst, Name: aws.String("stray-" + id),
		TagSpecifications: spec(ec2types.ResourceTypeImage)})
	must(t, err)
	vol, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(1),
		TagSpecifications: spec(ec2types.ResourceTypeVolume)})
	must(t, err)
	snap, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: vol.VolumeId, TagSpecifications: spec(ec2types.ResourceTypeSnapshot)})
	must(t, err)
	_, err = c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("stray-" + id), TagSpecifications: spec(ec2types.ResourceTypeKeyPair)})
	must(t, err)
	g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("stray-" + id), Description: aws.String("x"),
		TagSpecifications: spec(ec2types.ResourceTypeSecurityGroup)})
	must(t, err)
	return map[string]string{"instance": inst, "AMI": aws.ToString(img.ImageId), "volume": aws.ToString(vol.VolumeId),
		"snapshot": aws.ToString(snap.SnapshotId), "key pair": "stray-" + id, "security group": aws.ToString(g.GroupId)}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// assertStrays checks each resource exists (and an instance runs) or not.
func assertStrays(t *testing.T, c *ec2.Client, ids map[string]string, exist bool) {
	t.Helper()
	ctx := context.Background()
	for kind, id := range ids {
		var n int
		switch kind {
		case "instance":
			out, _ := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
			if out != nil && len(out.Reservations) == 1 && out.Reservations[0].Instances[0].State.Name != ec2types.InstanceStateNameTerminated {
				n = 1
			}
		case "AMI":
			out, _ := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{id}})
			if out != nil {
				n = len(out.Images)
			}
		case "volume":
			out, _ := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{id}})
			if out != nil {
				n = len(out.Volumes)
			}
		case "snapshot":
			out, _ := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{id}})
			if out != nil {
				n = len(out.Snapshots)
			}
		case "key pair":
			out, _ := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{id}})
			if out != nil {
				n = len(out.KeyPairs)
			}
		case "security group":
			out, _ := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
			if out != nil {
				n = len(out.SecurityGroups)
			}
		}
		if (n == 1) != exist {
			t.Errorf("%s %s: exists=%v, want %v", kind, id, n == 1, exist)
		}
	}
}

// assertTaggedAtCreation checks that each create call tagged the resource
// type it makes besides its main one with the build's ID, so a snapshot or
// volume is never untagged, even for a moment.
func assertTaggedAtCreation(t *testing.T, p *ec2test.Proxy, want map[string]string) {
	t.Helper()
	for action, rt := range want {
		calls := p.Requests(action)
		if len(calls) == 0 {
			t.Errorf("no %s call", action)
			continue
		}
		found := false
		for k, vs := range calls[0].Params {
			if strings.HasSuffix(k, ".ResourceType") && vs[0] == rt {
				prefix := strings.TrimSuffix(k, "ResourceType")
				for k2, v2 := range calls[0].Params {
					found = found || (strings.HasPrefix(k2, prefix+"Tag.") && strings.HasSuffix(k2, ".Key") && v2[0] == BuildIDTagKey)
				}
			}
		}
		if !found {
			t.Errorf("%s does not tag its %s with %s at creation: %v", action, rt, BuildIDTagKey, calls[0].Params)
		}
	}
}

// reset clears moto's state and what the proxy recorded and learnt.
func (e *buildEnv) reset(t *testing.T) {
	t.Helper()
	e.moto.Reset(t)
	e.proxy.Reset()
}

func (e *buildEnv) makeGroup(t *testing.T, vpc string, tags map[string]string) string {
	t.Helper()
	g, err := e.ec2.CreateSecurityGroup(context.Background(), &ec2.CreateSecurityGroupInput{
		GroupName: aws.String("ssh-from-bastion"), Description: aws.String("test"), VpcId: aws.String(vpc),
		TagSpecifications: tagSpecs(tags, ec2types.ResourceTypeSecurityGroup)})
	if err != nil {
		t.Fatal(err)
	}
	// As the docs ask of security_group_ids: SSH from this machine.
	if _, err := e.ec2.AuthorizeSecurityGroupIngress(context.Background(), &ec2.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(int32(e.ssh.Port)),
			ToPort: aws.Int32(int32(e.ssh.Port)), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("127.0.0.1/32")}}}}}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(g.GroupId)
}
