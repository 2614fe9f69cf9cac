package localcloudtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/uuid"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloud"
)

// BaseImage is a Canonical jammy image of the seed list: its disk is the
// cached Debian root.
const BaseImage = "ami-0a1b2c3d4e5f60001"

// Patient retries a call the way a client of real EC2 must: throttling
// and 5xx, and the refusals right after a create (the cloud is strict by
// default: ec2proxy.Strict), for a few seconds.
func Patient(t testing.TB, call func(context.Context) error) error {
	t.Helper()
	return ec2wait.Retry(Ctx(t), "local cloud call", ec2wait.Options{NotFoundGrace: 30 * time.Second,
		Tolerate: ec2wait.Codes("InvalidParameterValue", "IncorrectInstanceState")}, call)
}

// ImportKey registers a public key file as EC2 key pair name.
func (c *Cloud) ImportKey(t testing.TB, name, pubFile string) {
	t.Helper()
	pub, err := os.ReadFile(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.EC2().ImportKeyPair(Ctx(t), &ec2.ImportKeyPairInput{KeyName: aws.String(name), PublicKeyMaterial: pub}); err != nil {
		t.Fatalf("importing key pair %s: %v", name, err)
	}
}

// OpenGroup creates a security group admitting TCP from cidr to each port,
// and returns its ID.
func (c *Cloud) OpenGroup(t testing.TB, name, cidr string, ports ...int32) string {
	t.Helper()
	var g *ec2.CreateSecurityGroupOutput
	err := Patient(t, func(ctx context.Context) (err error) {
		g, err = c.EC2().CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String(name)})
		return err
	})
	if err != nil {
		t.Fatalf("creating security group %s: %v", name, err)
	}
	for _, p := range ports {
		c.Authorize(t, *g.GroupId, cidr, p)
	}
	return *g.GroupId
}

// Authorize adds a rule admitting TCP from cidr to port.
func (c *Cloud) Authorize(t testing.TB, group, cidr string, port int32) {
	t.Helper()
	err := Patient(t, func(ctx context.Context) error {
		_, err := c.EC2().AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(group),
			IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port),
				IpRanges: []types.IpRange{{CidrIp: aws.String(cidr)}}}}})
		return err
	})
	if err != nil {
		t.Fatalf("admitting %s to port %d in %s: %v", cidr, port, group, err)
	}
}

// Launch runs one instance of image with the key pair (none if "") in the
// groups, waits until it is running, and returns what the cloud lists.
func (c *Cloud) Launch(t testing.TB, image, key string, groups ...string) localcloud.InstanceInfo {
	t.Helper()
	in := &ec2.RunInstancesInput{ImageId: aws.String(image), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SecurityGroupIds: groups,
		ClientToken: aws.String(uuid.NewString())}
	if key != "" {
		in.KeyName = aws.String(key)
	}
	var out *ec2.RunInstancesOutput
	err := Patient(t, func(ctx context.Context) (err error) {
		out, err = c.EC2().RunInstances(ctx, in)
		return err
	})
	if err != nil {
		t.Fatalf("RunInstances %s: %v", image, err)
	}
	id := aws.ToString(out.Instances[0].InstanceId)
	c.WaitState(t, id, types.InstanceStateNameRunning)
	return c.Instance(t, id)
}

// WaitState waits until EC2 shows the instance in state (at most 2 min).
func (c *Cloud) WaitState(t testing.TB, id string, state types.InstanceStateName) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var out *ec2.DescribeInstancesOutput
		err := Patient(t, func(ctx context.Context) (err error) {
			out, err = c.EC2().DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
			return err
		})
		if err != nil {
			t.Fatalf("DescribeInstances %s: %v", id, err)
		}
		got := out.Reservations[0].Instances[0].State.Name
		if got == state {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance %s is %s after 2 minutes, want %s", id, got, state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Instance is the cloud's listing of one instance.
func (c *Cloud) Instance(t testing.TB, id string) localcloud.InstanceInfo {
	t.Helper()
	for _, in := range c.Instances(t) {
		if in.ID == id {
			return in
		}
	}
	t.Fatalf("the local cloud lists no instance %s", id)
	return localcloud.InstanceInfo{}
}
