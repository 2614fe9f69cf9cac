//go:build acc

package ec2test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestStartSeedsJammy proves moto is up, seeded from localcloud/amis.json
// (the seed's filter finds the Canonical amd64 jammy images, not the arm64
// one or the look-alike from another owner), and that Reset clears state.
func TestStartSeedsJammy(t *testing.T) {
	m := Start(t)
	c := m.EC2(t, DefaultRegion)
	ctx := context.Background()
	out, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners: []string{"099720109477"},
		Filters: []types.Filter{
			{Name: aws.String("name"), Values: []string{"ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"}},
			{Name: aws.String("root-device-type"), Values: []string{"ebs"}},
			{Name: aws.String("virtualization-type"), Values: []string{"hvm"}},
		},
	})
	if err != nil {
		t.Fatalf("DescribeImages: %v", err)
	}
	if len(out.Images) != 2 {
		t.Fatalf("want 2 Canonical amd64 jammy images, got %d", len(out.Images))
	}
	if _, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("k")}); err != nil {
		t.Fatalf("CreateKeyPair: %v", err)
	}
	m.Reset(t)
	keys, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{})
	if err != nil {
		t.Fatalf("DescribeKeyPairs: %v", err)
	}
	if len(keys.KeyPairs) != 0 {
		t.Fatalf("Reset left %d key pairs", len(keys.KeyPairs))
	}
	// A second region after a reset still loads the seed list (moto breaks
	// here when amis.json carries creation_date: it re-parses its own
	// datetimes; see the note in moto.go).
	other, err := m.EC2(t, "eu-west-1").DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{"ami-0a1b2c3d4e5f60003"}})
	if err != nil || len(other.Images) != 1 {
		t.Fatalf("seed image in eu-west-1 after reset: %v, %v", other, err)
	}
}
