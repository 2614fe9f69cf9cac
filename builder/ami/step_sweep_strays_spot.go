package ami

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// sweepSpotEC2 is what finding and removing a Spot build's strays takes:
// its instant fleet and its launch template.
type sweepSpotEC2 interface {
	DescribeFleets(context.Context, *ec2.DescribeFleetsInput, ...func(*ec2.Options)) (*ec2.DescribeFleetsOutput, error)
	DeleteFleets(context.Context, *ec2.DeleteFleetsInput, ...func(*ec2.Options)) (*ec2.DeleteFleetsOutput, error)
	DescribeLaunchTemplates(context.Context, *ec2.DescribeLaunchTemplatesInput, ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplatesOutput, error)
	DeleteLaunchTemplate(context.Context, *ec2.DeleteLaunchTemplateInput, ...func(*ec2.Options)) (*ec2.DeleteLaunchTemplateOutput, error)
}

// fleets finds the fleets tagged with the build that are not deleted yet.
// DescribeFleets has no tag filter (EC2 filters fleets by state and type
// only): the tags are read from each fleet.
func (w *sweeper) fleets(ctx context.Context) (map[string]string, error) {
	found := map[string]string{}
	p := ec2.NewDescribeFleetsPaginator(w.c, &ec2.DescribeFleetsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, f := range out.Fleets {
			switch f.FleetState {
			case ec2types.FleetStateCodeDeleted, ec2types.FleetStateCodeDeletedRunning, ec2types.FleetStateCodeDeletedTerminatingInstances:
				continue
			}
			if tagMapOf(f.Tags)[BuildIDTagKey] == w.tag {
				found[aws.ToString(f.FleetId)] = string(f.Type)
			}
		}
	}
	return found, nil
}

func (w *sweeper) templates(ctx context.Context) (map[string]string, error) {
	out, err := w.c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{Filters: w.filter()})
	if err != nil {
		return nil, err
	}
	found := map[string]string{}
	for _, t := range out.LaunchTemplates {
		found[aws.ToString(t.LaunchTemplateId)] = aws.ToString(t.LaunchTemplateName)
	}
	return found, nil
}

// deleteFleet deletes the fleet with its instances (an instant fleet can
// only be deleted so).
func (w *sweeper) deleteFleet(ctx context.Context, id string) error {
	return ec2wait.Delete(ctx, "deleting fleet "+id, w.opts, func(ctx context.Context) error {
		out, err := w.c.DeleteFleets(ctx, &ec2.DeleteFleetsInput{FleetIds: []string{id}, TerminateInstances: aws.Bool(true)})
		if err == nil && len(out.UnsuccessfulFleetDeletions) > 0 && out.UnsuccessfulFleetDeletions[0].Error != nil {
			e := out.UnsuccessfulFleetDeletions[0].Error
			return errors.New(string(e.Code) + ": " + aws.ToString(e.Message))
		}
		return err
	})
}

func (w *sweeper) deleteTemplate(ctx context.Context, id string) error {
	return ec2wait.Delete(ctx, "deleting launch template "+id, w.opts, func(ctx context.Context) error {
		_, err := w.c.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(id)})
		return err
	})
}

func tagMapOf(tags []ec2types.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}
