//go:build acc

package ami

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// TestSweepRemovesSpotStrays: a Spot build's sweep also removes a launch
// template and an instant fleet (with its instance) tagged with the
// build, which DescribeFleets cannot filter by tag, and leaves another
// build's template alone.
func TestSweepRemovesSpotStrays(t *testing.T) {
	f := newImageFixture(t, AMIConfig{AMIName: "sweep-spot"})
	f.proxy.SetFaults(ec2test.Faults{})
	c := f.moto.EC2(t, ec2test.DefaultRegion)
	mine, mineFleet := strayFleet(t, c, f.src, "sweep-me")
	other, _ := strayFleet(t, c, f.src, "other-build")
	state := new(multistep.BasicStateBag)
	statePut(state, stateUI, f.ui)
	statePut(state, stateCreating, true)
	clients := awsaccess.NewClients(&f.b.config.AccessConfig)
	(&StepSweepStrays{Clients: forRegion[sweepEC2](clients), Regions: []string{ec2test.DefaultRegion}, BuildID: "sweep-me",
		Polling: fastPolling, Spot: true}).Cleanup(state)
	if strings.Contains(f.out.String(), "could not") || !strings.Contains(f.out.String(), "Removing stray fleet "+mineFleet) {
		t.Errorf("the sweep did not remove the fleet:\n%s", f.out)
	}
	ctx := context.Background()
	lts, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{})
	must(t, err)
	var left []string
	for _, lt := range lts.LaunchTemplates {
		left = append(left, aws.ToString(lt.LaunchTemplateId))
	}
	if strings.Join(left, ",") != other {
		t.Errorf("launch templates left %v, want only the other build's %s (%s removed)", left, other, mine)
	}
	fleets, err := c.DescribeFleets(ctx, &ec2.DescribeFleetsInput{FleetIds: []string{mineFleet}})
	must(t, err)
	if len(fleets.Fleets) == 1 && !strings.HasPrefix(string(fleets.Fleets[0].FleetState), "deleted") {
		t.Errorf("fleet %s: state %s, want deleted", mineFleet, fleets.Fleets[0].FleetState)
	}
}

// strayFleet makes a launch template and an instant Spot fleet tagged with
// build id, and returns their IDs.
func strayFleet(t *testing.T, c *ec2.Client, src, id string) (string, string) {
	t.Helper()
	ctx := context.Background()
	tags := map[string]string{BuildIDTagKey: id}
	lt, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("stray-" + id),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String(src)},
		TagSpecifications:  tagSpecs(tags, ec2types.ResourceTypeLaunchTemplate)})
	must(t, err)
	subnets, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	must(t, err)
	out, err := c.CreateFleet(ctx, &ec2.CreateFleetInput{Type: ec2types.FleetTypeInstant,
		TargetCapacitySpecification: &ec2types.TargetCapacitySpecificationRequest{TotalTargetCapacity: aws.Int32(1), DefaultTargetCapacityType: "spot"},
		LaunchTemplateConfigs: []ec2types.FleetLaunchTemplateConfigRequest{{
			LaunchTemplateSpecification: &ec2types.FleetLaunchTemplateSpecificationRequest{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: aws.String("1")},
			Overrides:                   []ec2types.FleetLaunchTemplateOverridesRequest{{InstanceType: "t3.micro", SubnetId: subnets.Subnets[0].SubnetId}}}},
		TagSpecifications: tagSpecs(tags, ec2types.ResourceTypeFleet)})
	must(t, err)
	return aws.ToString(lt.LaunchTemplate.LaunchTemplateId), aws.ToString(out.FleetId)
}
