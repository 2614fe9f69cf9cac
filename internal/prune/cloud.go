package prune

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// NewCloud reaches AWS with the access settings: one client per service
// and region, and the account's enabled regions as DescribeRegions lists
// them in the region home returns.
func NewCloud(access *awsaccess.AccessConfig, home func(context.Context) (string, error)) Cloud {
	clients := awsaccess.NewClients(access)
	return Cloud{
		EC2: func(ctx context.Context, region string) (EC2, error) { return clients.EC2(ctx, region) },
		SSM: func(ctx context.Context, region string) (ssmchannel.Reader, error) { return clients.SSM(ctx, region) },
		Regions: func(ctx context.Context) ([]string, error) {
			region, err := home(ctx)
			if err != nil {
				return nil, err
			}
			c, err := clients.EC2(ctx, region)
			if err != nil {
				return nil, err
			}
			return enabledRegions(ctx, c)
		},
	}
}

// enabledRegions lists the regions enabled for the account.
func enabledRegions(ctx context.Context, c *ec2.Client) ([]string, error) {
	out, err := c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(false)})
	if err != nil {
		return nil, err
	}
	var regions []string
	for _, r := range out.Regions {
		regions = append(regions, aws.ToString(r.RegionName))
	}
	return regions, nil
}
