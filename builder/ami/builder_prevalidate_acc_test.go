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

// TestPreValidationFailsBeforeLaunch: each mistake stops the build with an
// error naming the attribute, before any instance is launched, and nothing
// is left behind.
func TestPreValidationFailsBeforeLaunch(t *testing.T) {
	e := newBuildEnv(t)
	cases := []struct {
		name  string
		setup func(t *testing.T) map[string]any
		want  string
	}{
		// Of the aws partition's form, so Prepare passes it (a region opened
		// after the SDK's table would look the same); EC2 does not know it.
		{"unknown region", func(*testing.T) map[string]any {
			return map[string]any{"region": "eu-nowhere-1"}
		}, `region "eu-nowhere-1"`},
		{"AMI name taken", func(t *testing.T) map[string]any {
			e.makeImage(t, "taken-name")
			return map[string]any{"ami_name": "taken-name"}
		}, `an AMI named "taken-name" already exists`},
		{"filter matches nothing", func(*testing.T) map[string]any {
			return map[string]any{"source_ami_filter": map[string]any{
				"filters": map[string]string{"name": "ubuntu/images/*noble*"}, "owners": []string{"099720109477"}}}
		}, "no image matched source_ami_filter"},
		{"arm64 image on an x86 type", func(*testing.T) map[string]any {
			return map[string]any{"source_ami_filter": map[string]any{}, "source_ami": "ami-0a1b2c3d4e5f60003", "instance_type": "t3.micro"}
		}, "is arm64 but instance_type t3.micro"},
		{"paravirtual image on a Nitro type", func(*testing.T) map[string]any {
			return map[string]any{"source_ami_filter": map[string]any{}, "source_ami": "ami-0a1b2c3d4e5f60004", "instance_type": "t3.micro"}
		}, "uses paravirtual virtualization"},
		{"subnet not in vpc_id", func(t *testing.T) map[string]any {
			_, sn := e.makeVPC(t, "10.9.0.0/16", "us-east-1a")
			return map[string]any{"subnet_id": sn, "vpc_id": e.defaultVPC(t)}
		}, "is in VPC"},
		{"instance type not offered in the subnet's zone", func(t *testing.T) map[string]any {
			typ, zone := e.typeMissingFromAZone(t)
			_, sn := e.makeVPC(t, "10.8.0.0/16", zone)
			return map[string]any{"subnet_id": sn, "instance_type": typ}
		}, "is not offered in"},
		{"non-default VPC without subnet", func(t *testing.T) map[string]any {
			vpc, _ := e.makeVPC(t, "10.7.0.0/16", "us-east-1a")
			return map[string]any{"vpc_id": vpc}
		}, "is not the default VPC, so EC2 cannot choose a subnet: set subnet_id or subnet_filter"},
		{"no default VPC", func(t *testing.T) map[string]any {
			e.deleteDefaultVPC(t)
			return nil
		}, "no default VPC, so EC2 would refuse the launch with VPCIdNotSpecified"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.reset(t)
			_, err, out := e.run(t, context.Background(), e.template(tc.setup(t)), &runHook{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q\n%s", err, tc.want, out)
			}
			insts, _ := e.ec2.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{})
			for _, r := range insts.Reservations {
				for _, i := range r.Instances {
					if tagMap(i.Tags)[BuildUUIDTagKey] != "" {
						t.Errorf("an instance was launched: %s", aws.ToString(i.InstanceId))
					}
				}
			}
			e.assertNothingLeft(t)
		})
	}
}

// makeImage registers an AMI of this account named name.
func (e *buildEnv) makeImage(t *testing.T, name string) string {
	t.Helper()
	return makeImageWith(t, e.ec2, name)
}

// makeImageWith registers an AMI named name through c (in c's region).
func makeImageWith(t *testing.T, c *ec2.Client, name string) string {
	t.Helper()
	ctx := context.Background()
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0a1b2c3d4e5f60001"),
		InstanceType: "t2.micro", MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	img, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: run.Instances[0].InstanceId, Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{aws.ToString(run.Instances[0].InstanceId)}}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(img.ImageId)
}

// makeVPC creates a VPC with one subnet in zone.
func (e *buildEnv) makeVPC(t *testing.T, cidr, zone string) (vpcID, subnetID string) {
	t.Helper()
	ctx := context.Background()
	vpc, err := e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(cidr)})
	if err != nil {
		t.Fatal(err)
	}
	sn, err := e.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String(cidr[:len(cidr)-3] + "/24"),
		AvailabilityZone: aws.String(zone)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(vpc.Vpc.VpcId), aws.ToString(sn.Subnet.SubnetId)
}

func (e *buildEnv) defaultVPC(t *testing.T) string {
	t.Helper()
	out, err := e.ec2.DescribeVpcs(context.Background(), &ec2.DescribeVpcsInput{
		Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil || len(out.Vpcs) != 1 {
		t.Fatalf("default VPC: %v %v", out, err)
	}
	return aws.ToString(out.Vpcs[0].VpcId)
}

// deleteDefaultVPC removes the region's default VPC (and its subnets), as
// in accounts created before 2013 or cleaned up by policy.
func (e *buildEnv) deleteDefaultVPC(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	vpc := e.defaultVPC(t)
	subnets, err := e.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, sn := range subnets.Subnets {
		if _, err := e.ec2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: sn.SubnetId}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.ec2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpc)}); err != nil {
		t.Fatal(err)
	}
}

// typeMissingFromAZone finds an instance type the region offers in some of
// its zones but not in one of them, and that zone.
func (e *buildEnv) typeMissingFromAZone(t *testing.T) (string, string) {
	t.Helper()
	ctx := context.Background()
	zones, err := e.ec2.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, candidate := range []string{"t2.micro", "t3.micro", "m5.large", "c5.large", "p3.2xlarge", "x1.16xlarge"} {
		p := ec2.NewDescribeInstanceTypeOfferingsPaginator(e.ec2, &ec2.DescribeInstanceTypeOfferingsInput{
			LocationType: ec2types.LocationTypeAvailabilityZone,
			Filters:      []ec2types.Filter{{Name: aws.String("instance-type"), Values: []string{candidate}}}})
		offered := map[string]bool{}
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range out.InstanceTypeOfferings {
				offered[aws.ToString(o.Location)] = true
			}
		}
		for _, z := range zones.AvailabilityZones {
			if len(offered) > 0 && !offered[aws.ToString(z.ZoneName)] {
				return candidate, aws.ToString(z.ZoneName)
			}
		}
	}
	t.Fatal("every candidate instance type is offered in every zone of the region")
	return "", ""
}
