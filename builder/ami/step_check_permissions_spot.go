package ami

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// Well-formed IDs of Spot resources that name nothing.
const (
	noFleet       = "fleet-00000000-0000-0000-0000-000000000000"
	noTemplate    = "lt-00000000000000000"
	noSpotRequest = "sir-00000000"
)

type spotPermissionsEC2 interface {
	DescribeFleets(context.Context, *ec2.DescribeFleetsInput, ...func(*ec2.Options)) (*ec2.DescribeFleetsOutput, error)
	DescribeLaunchTemplates(context.Context, *ec2.DescribeLaunchTemplatesInput, ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplatesOutput, error)
	DeleteFleets(context.Context, *ec2.DeleteFleetsInput, ...func(*ec2.Options)) (*ec2.DeleteFleetsOutput, error)
	DeleteLaunchTemplate(context.Context, *ec2.DeleteLaunchTemplateInput, ...func(*ec2.Options)) (*ec2.DeleteLaunchTemplateOutput, error)
	DescribeSpotInstanceRequests(context.Context, *ec2.DescribeSpotInstanceRequestsInput, ...func(*ec2.Options)) (*ec2.DescribeSpotInstanceRequestsOutput, error)
	CancelSpotInstanceRequests(context.Context, *ec2.CancelSpotInstanceRequestsInput, ...func(*ec2.Options)) (*ec2.CancelSpotInstanceRequestsOutput, error)
}

// spotChecks are the dry runs of what removing a Spot launch calls: the
// fleet, its Spot request and the launch template (StepRunSpotInstance's
// Cleanup), and finding them when they are strays (StepSweepStrays).
func (s *StepCheckPermissions) spotChecks() []check {
	c, dry := s.EC2, aws.Bool(true)
	return []check{
		func(ctx context.Context) error {
			_, err := c.DeleteFleets(ctx, &ec2.DeleteFleetsInput{FleetIds: []string{noFleet}, TerminateInstances: aws.Bool(true), DryRun: dry})
			return err
		},
		func(ctx context.Context) error {
			_, err := c.DescribeSpotInstanceRequests(ctx, &ec2.DescribeSpotInstanceRequestsInput{DryRun: dry})
			return err
		},
		func(ctx context.Context) error {
			_, err := c.CancelSpotInstanceRequests(ctx, &ec2.CancelSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{noSpotRequest}, DryRun: dry})
			return err
		},
		func(ctx context.Context) error {
			_, err := c.DescribeFleets(ctx, &ec2.DescribeFleetsInput{DryRun: dry})
			return err
		},
		func(ctx context.Context) error {
			_, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{DryRun: dry})
			return err
		},
		func(ctx context.Context) error {
			_, err := c.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(noTemplate), DryRun: dry})
			return err
		},
	}
}
