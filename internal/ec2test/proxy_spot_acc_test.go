//go:build acc

package ec2test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// spotFleet makes a launch template and asks for one Spot Instance of
// t3.micro or t3a.micro through an instant fleet.
func spotFleet(t *testing.T, c *ec2.Client) *ec2.CreateFleetOutput {
	t.Helper()
	ctx := context.Background()
	lt, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("lt-" + time.Now().Format("150405.000000")),
		LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String(seedImage(t, c))}})
	if err != nil {
		t.Fatal(err)
	}
	subnets, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	if err != nil || len(subnets.Subnets) == 0 {
		t.Fatalf("no subnet: %v", err)
	}
	out, err := c.CreateFleet(ctx, &ec2.CreateFleetInput{Type: types.FleetTypeInstant,
		TargetCapacitySpecification: &types.TargetCapacitySpecificationRequest{TotalTargetCapacity: aws.Int32(1), DefaultTargetCapacityType: "spot"},
		LaunchTemplateConfigs: []types.FleetLaunchTemplateConfigRequest{{
			LaunchTemplateSpecification: &types.FleetLaunchTemplateSpecificationRequest{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: aws.String("1")},
			Overrides:                   []types.FleetLaunchTemplateOverridesRequest{{InstanceType: "t3.micro", SubnetId: subnets.Subnets[0].SubnetId}, {InstanceType: "t3a.micro"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestProxyFleetErrorsAnswerLikeEC2WithoutCapacity: the first CreateFleet
// calls launch nothing and carry one error per instance type, as the SDK
// reads them; the proxy's fleets can be deleted; then moto launches.
func TestProxyFleetErrorsAnswerLikeEC2WithoutCapacity(t *testing.T) {
	p := StartProxy(t, Start(t))
	c := proxyClient(p)
	p.SetFaults(Faults{FleetErrors: []string{"InsufficientInstanceCapacity", "UnfulfillableCapacity"}})
	for _, code := range []string{"InsufficientInstanceCapacity", "UnfulfillableCapacity"} {
		out := spotFleet(t, c)
		if len(out.Instances) != 0 || len(out.Errors) != 2 || aws.ToString(out.FleetId) == "" {
			t.Fatalf("failed fleet answer: %+v", out)
		}
		e := out.Errors[0]
		if aws.ToString(e.ErrorCode) != code || e.LaunchTemplateAndOverrides.Overrides.InstanceType == "" {
			t.Errorf("error %+v, want %s for an instance type", e, code)
		}
		del, err := c.DeleteFleets(context.Background(), &ec2.DeleteFleetsInput{FleetIds: []string{*out.FleetId}, TerminateInstances: aws.Bool(true)})
		if err != nil || len(del.SuccessfulFleetDeletions) != 1 {
			t.Errorf("deleting the proxy's fleet: %+v %v", del, err)
		}
	}
	if out := spotFleet(t, c); len(out.Instances) != 1 || len(out.Errors) != 0 {
		t.Errorf("third fleet should launch: %+v", out)
	}
}

// TestProxyInterruptsSpotInstances: notice first (request
// marked-for-termination, instance still running), then the instance
// terminated by EC2 and calls on it refused.
func TestProxyInterruptsSpotInstances(t *testing.T) {
	p := StartProxy(t, Start(t))
	p.SetFaults(Faults{}) // the interruption alone, on a plain proxy
	c := proxyClient(p)
	ctx := context.Background()
	id := spotFleet(t, c).Instances[0].InstanceIds[0]
	state := func() (types.Instance, types.SpotInstanceRequest) {
		inst, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		reqs, err := c.DescribeSpotInstanceRequests(ctx, &ec2.DescribeSpotInstanceRequestsInput{})
		if err != nil || len(reqs.SpotInstanceRequests) != 1 {
			t.Fatalf("spot requests: %v %v", reqs, err)
		}
		return inst.Reservations[0].Instances[0], reqs.SpotInstanceRequests[0]
	}
	if inst, req := state(); inst.State.Name != "running" || aws.ToString(req.Status.Code) != "fulfilled" {
		t.Fatalf("before: %s, %s", inst.State.Name, aws.ToString(req.Status.Code))
	}
	p.SetFaults(Faults{InterruptSpotAfter: time.Nanosecond, SpotNoticeFor: time.Hour})
	if inst, req := state(); inst.State.Name != "running" || aws.ToString(req.Status.Code) != "marked-for-termination" {
		t.Errorf("notice: %s, %s", inst.State.Name, aws.ToString(req.Status.Code))
	}
	p.SetFaults(Faults{InterruptSpotAfter: time.Nanosecond})
	inst, req := state()
	if inst.State.Name != "terminated" || aws.ToString(inst.StateReason.Code) != "Server.SpotInstanceTermination" ||
		req.State != "closed" || aws.ToString(req.Status.Code) != "instance-terminated-no-capacity" {
		t.Errorf("interrupted: %s (%+v), request %s %s", inst.State.Name, inst.StateReason, req.State, aws.ToString(req.Status.Code))
	}
	_, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: aws.String(id), Name: aws.String("x")})
	if code(err) != "IncorrectInstanceState" {
		t.Errorf("CreateImage of an interrupted instance: %v", err)
	}
}
