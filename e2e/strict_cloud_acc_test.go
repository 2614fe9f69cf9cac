//go:build acc

package e2e

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloudtest"
)

// TestLocalCloudIsStrictByDefault: the cloud the demo and these tests use
// answers as EC2 does right after a create (here: a new security group is
// unknown to AuthorizeSecurityGroupIngress for a moment), unless
// LOCALCLOUD_STRICT=0.
func TestLocalCloudIsStrictByDefault(t *testing.T) {
	c := localcloudtest.Start(t, filepath.Join(t.TempDir(), "cloud"))
	ctx := localcloudtest.Ctx(t)
	g, err := c.EC2().CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("g"), Description: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.EC2().AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId,
		IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
			IpRanges: []types.IpRange{{CidrIp: aws.String("127.0.0.1/32")}}}}})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidGroup.NotFound" {
		t.Errorf("AuthorizeSecurityGroupIngress right after CreateSecurityGroup: %v, want InvalidGroup.NotFound", err)
	}
}

// The disks test's calls, made patiently: the cloud is strict.

// deregister deregisters an image (patiently: it may be new to EC2).
func deregister(t *testing.T, c *localcloudtest.Cloud, image string) {
	t.Helper()
	if err := localcloudtest.Patient(t, func(ctx context.Context) error {
		_, err := c.EC2().DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(image)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func createImage(t *testing.T, c *localcloudtest.Cloud, id, name string) string {
	t.Helper()
	var out *ec2.CreateImageOutput
	err := localcloudtest.Patient(t, func(ctx context.Context) (err error) { // "stopped" is not imageable at once
		out, err = c.EC2().CreateImage(ctx, &ec2.CreateImageInput{InstanceId: aws.String(id), Name: aws.String(name)})
		return err
	})
	if err != nil {
		t.Fatalf("CreateImage from %s: %v", id, err)
	}
	return aws.ToString(out.ImageId)
}
