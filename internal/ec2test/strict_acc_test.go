//go:build acc

package ec2test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// window is how long each refusal lasts in these tests.
const window = 400 * time.Millisecond

// refusedThenAccepted calls do at once, expecting code, and again after the
// window, expecting success.
func refusedThenAccepted(t *testing.T, what, code string, do func() error) {
	t.Helper()
	if err := do(); errCode(err) != code {
		t.Errorf("%s right after the create: %v, want %s", what, err, code)
	}
	time.Sleep(window + 100*time.Millisecond)
	if err := do(); err != nil {
		t.Errorf("%s after %s: %v, want success", what, window, err)
	}
}

func errCode(err error) string { return code(err) }

// TestStrictRefusesRightAfterCreate proves each of EC2's refusals right
// after a create (ec2proxy.Strict): a new group, a new instance profile, an
// instance just stopped, the snapshot of an AMI just deregistered, an
// instance just launched.
func TestStrictRefusesRightAfterCreate(t *testing.T) {
	m := Start(t)
	p := StartProxy(t, m)
	c := proxyClient(p)
	ctx := context.Background()
	p.SetFaults(Faults{NewGroupHiddenFor: window, NewProfileRefusedFor: window, StoppedImageRefusedFor: window,
		SnapshotInUseFor: window, TerminateNotFoundFor: window})
	vpc := defaultVPC(t, c)
	g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("g"), Description: aws.String("d"), VpcId: &vpc})
	if err != nil {
		t.Fatal(err)
	}
	refusedThenAccepted(t, "AuthorizeSecurityGroupIngress", "InvalidGroup.NotFound", func() error {
		_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId,
			IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
				IpRanges: []types.IpRange{{CidrIp: aws.String("10.0.0.1/32")}}}}})
		return err
	})
	var id string
	launch := func() error {
		out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(seedImage(t, c)), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
		if err == nil {
			id = *out.Instances[0].InstanceId
		}
		return err
	}
	if err := launch(); err != nil {
		t.Fatal(err)
	}
	refusedThenAccepted(t, "TerminateInstances", "InvalidInstanceID.NotFound", func() error {
		_, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}})
		if err == nil {
			_, err = c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}, DryRun: aws.Bool(false)})
		}
		return err
	})
	stoppedThenImaged(t, c, launch, &id)
	deregisteredSnapshotInUse(t, c)
	iamQuery(t, p.URL, "CreateInstanceProfile", "InstanceProfileName", "builder")
	refusedThenAccepted(t, "RunInstances with a new instance profile", "InvalidParameterValue", func() error {
		_, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(seedImage(t, c)), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			IamInstanceProfile: &types.IamInstanceProfileSpecification{Name: aws.String("builder")}})
		return err
	})
}

func stoppedThenImaged(t *testing.T, c *ec2.Client, launch func() error, id *string) {
	t.Helper()
	ctx := context.Background()
	if err := launch(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{*id}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{*id}}); err != nil {
		t.Fatal(err) // the answer showing "stopped" starts the refusal
	}
	n := 0
	refusedThenAccepted(t, "CreateImage", "IncorrectInstanceState", func() error {
		n++
		_, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: id, Name: aws.String("stopped-" + string(rune('a'+n)))})
		return err
	})
}

func deregisteredSnapshotInUse(t *testing.T, c *ec2.Client) {
	t.Helper()
	ctx := context.Background()
	img, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}, Filters: []types.Filter{{Name: aws.String("name"), Values: []string{"stopped-c"}}}})
	if err != nil || len(img.Images) != 1 {
		t.Fatalf("the image made after the refusal: %v %v", img, err)
	}
	snap := img.Images[0].BlockDeviceMappings[0].Ebs.SnapshotId
	if _, err := c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: img.Images[0].ImageId}); err != nil {
		t.Fatal(err)
	}
	refusedThenAccepted(t, "DeleteSnapshot", "InvalidSnapshot.InUse", func() error {
		_, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: snap})
		return err
	})
}

func defaultVPC(t *testing.T, c *ec2.Client) string {
	t.Helper()
	out, err := c.DescribeVpcs(context.Background(), &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil || len(out.Vpcs) == 0 {
		t.Fatalf("no default VPC: %v", err)
	}
	return *out.Vpcs[0].VpcId
}

// iamQuery makes one IAM Query call (moto does not check signatures unless
// it enforces IAM) through endpoint, with key=value parameters.
func iamQuery(t *testing.T, endpoint, action string, kv ...string) {
	t.Helper()
	body := url.Values{"Action": {action}, "Version": {"2010-05-08"}}
	for i := 0; i+1 < len(kv); i += 2 {
		body.Set(kv[i], kv[i+1])
	}
	req, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: HTTP %d %s", action, resp.StatusCode, b)
	}
}
