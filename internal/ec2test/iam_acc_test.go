//go:build acc

package ec2test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestIAMEnforcedThroughTheProxy: with moto enforcing IAM, a call outside
// the user's policy is refused as EC2 refuses it (UnauthorizedOperation,
// naming the action), and a call the proxy rewrites (CreateImage with
// snapshot tags, which moto cannot take) is signed again as the caller and
// authorized as the caller.
func TestIAMEnforcedThroughTheProxy(t *testing.T) {
	m := Start(t)
	p := StartProxy(t, m)
	p.SetFaults(Faults{})
	admin := m.User(t, Root, "admin", AllowAll)
	user := m.User(t, Root, "builder", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*",
		"Action":["ec2:DescribeImages","ec2:RunInstances","ec2:CreateImage"]}]}`)
	p.SetCredentials(admin.ID, admin.Secret, true)
	p.SetCredentials(user.ID, user.Secret, false)
	m.EnforceIAM(t)
	c := ec2.New(ec2.Options{Region: DefaultRegion, BaseEndpoint: aws.String(p.URL), RetryMaxAttempts: 1,
		Credentials: m.EC2As(user, DefaultRegion).Options().Credentials})
	ctx := context.Background()
	if _, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"099720109477"}}); err != nil {
		t.Fatalf("an allowed call: %v", err)
	}
	_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if errCode(err) != "UnauthorizedOperation" || !strings.Contains(err.Error(), "ec2:DescribeInstances") {
		t.Errorf("a call outside the policy: %v, want UnauthorizedOperation naming ec2:DescribeInstances", err)
	}
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0a1b2c3d4e5f60001"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: run.Instances[0].InstanceId, Name: aws.String("signed-again"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSnapshot, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}})
	if err != nil {
		t.Errorf("CreateImage rewritten by the proxy: %v", err)
	}
}
