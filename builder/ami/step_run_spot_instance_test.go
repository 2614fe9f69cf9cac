package ami

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// TestStepRunSpotInstanceRequestsOneSpotInstanceThroughAFleet: the exact
// CreateFleet request (instant, one Spot Instance, the strategy, one
// override per type in the chosen subnet with the price cap), the tags of
// fleet, template and Spot request, and the instance's address in the
// state.
func TestStepRunSpotInstanceRequestsOneSpotInstanceThroughAFleet(t *testing.T) {
	var out bytes.Buffer
	state := spotState(&out)
	f := newFakeSpot()
	f.fleets = []*ec2.CreateFleetOutput{launched("fleet-1")}
	s := spotStep(f, "price-capacity-optimized", "0.05")
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v\n%s", state.Get("error"), out.String())
	}
	in := f.fleetIns[0]
	cfg := in.LaunchTemplateConfigs[0]
	switch {
	case in.Type != "instant", aws.ToInt32(in.TargetCapacitySpecification.TotalTargetCapacity) != 1,
		in.TargetCapacitySpecification.DefaultTargetCapacityType != "spot",
		in.SpotOptions.AllocationStrategy != "price-capacity-optimized", in.SpotOptions.InstanceInterruptionBehavior != "terminate",
		aws.ToString(cfg.LaunchTemplateSpecification.LaunchTemplateId) != "lt-1", aws.ToString(cfg.LaunchTemplateSpecification.Version) != "1",
		len(cfg.Overrides) != 2, in.ClientToken == nil:
		t.Errorf("CreateFleet input: %+v", in)
	}
	for i, want := range []string{"t3.micro", "t3a.micro"} {
		o := cfg.Overrides[i]
		if string(o.InstanceType) != want || aws.ToString(o.SubnetId) != "subnet-1" || aws.ToString(o.MaxPrice) != "0.05" || o.Priority != nil {
			t.Errorf("override %d: %+v, want %s in subnet-1 at most 0.05, no priority", i, o, want)
		}
	}
	assertTags(t, "fleet", tagMap(in.TagSpecifications[0].Tags), map[string]string{"fleet": "ami-1", BuildUUIDTagKey: "u-1"})
	lt := f.template
	if lt.TagSpecifications[0].ResourceType != "launch-template" || aws.ToString(lt.LaunchTemplateName) != "immutable-build-x" || lt.ClientToken == nil {
		t.Errorf("launch template %+v", lt)
	}
	assertTags(t, "launch template", tagMap(lt.TagSpecifications[0].Tags), map[string]string{"cost": "spot-ami-1", BuildUUIDTagKey: "u-1"})
	assertTags(t, "Spot request", launchTemplateTags(lt.LaunchTemplateData, "spot-instances-request"),
		map[string]string{"cost": "spot-ami-1", BuildUUIDTagKey: "u-1"})
	if id, _ := stateGet[string](state, stateInstanceID); id != "i-1" {
		t.Errorf("instance ID in state: %q", id)
	}
	if h, _ := stateGet[string](state, stateSSHHost); h != "10.0.0.5" {
		t.Errorf("ssh host %q", h)
	}
	s.Cleanup(state)
	want := "CreateLaunchTemplate CreateFleet DescribeSpotInstanceRequests DeleteFleets fleet-1 TerminateInstances " +
		"DescribeSpotInstanceRequests CancelSpotInstanceRequests DeleteLaunchTemplate"
	if got := strings.Join(f.calls, " "); got != want {
		t.Errorf("calls:\n got %s\nwant %s", got, want)
	}
	if ids := f.asked[0].SpotInstanceRequestIds; len(ids) != 1 || ids[0] != "sir-1" {
		t.Errorf("Spot request looked up by %+v, want the ID the instance names", f.asked[0])
	}
}

// TestStepRunSpotInstanceCreateFleetRefused: CreateFleet fails outright;
// the error names it and the launch template is deleted.
func TestStepRunSpotInstanceCreateFleetRefused(t *testing.T) {
	state := spotState(new(bytes.Buffer))
	f := newFakeSpot()
	f.fleets = []*ec2.CreateFleetOutput{{}}
	f.failOn["CreateFleet"] = errors.New("InvalidParameterValue: bad")
	s := spotStep(f, "price-capacity-optimized", "auto")
	if s.Run(context.Background(), state) != multistep.ActionHalt {
		t.Fatal("Run went on")
	}
	if err, _ := stateGet[error](state, stateError); !strings.Contains(err.Error(), "creating the EC2 Fleet for the Spot Instance: InvalidParameterValue") {
		t.Errorf("error: %v", err)
	}
	s.Cleanup(state)
	if got := strings.Join(f.calls, " "); got != "CreateLaunchTemplate CreateFleet DeleteLaunchTemplate" {
		t.Errorf("calls: %s", got)
	}
}

// TestStepRunSpotInstanceAutoPriceAndPriorities: "auto" sends no price cap;
// capacity-optimized-prioritized ranks the types in their order.
func TestStepRunSpotInstanceAutoPriceAndPriorities(t *testing.T) {
	state := spotState(new(bytes.Buffer))
	f := newFakeSpot()
	f.fleets = []*ec2.CreateFleetOutput{launched("fleet-1")}
	s := spotStep(f, "capacity-optimized-prioritized", "auto")
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v", state.Get("error"))
	}
	for i, o := range f.fleetIns[0].LaunchTemplateConfigs[0].Overrides {
		if o.MaxPrice != nil || aws.ToFloat64(o.Priority) != float64(i) {
			t.Errorf("override %d: price %v priority %v; want no cap, priority %d", i, o.MaxPrice, o.Priority, i)
		}
	}
	s.Cleanup(state)
}

// TestStepRunSpotInstanceWithoutCapacity: EC2 has no Spot capacity; the
// step asks again after each pause, then fails naming each type's error and
// what to try; every fleet and the template are deleted, nothing launched.
func TestStepRunSpotInstanceWithoutCapacity(t *testing.T) {
	var out bytes.Buffer
	state := spotState(&out)
	f := newFakeSpot()
	f.fleets = []*ec2.CreateFleetOutput{fleetWithoutCapacity("fleet-1", "InsufficientInstanceCapacity", "t3.micro", "t3a.micro"),
		fleetWithoutCapacity("fleet-2", "UnfulfillableCapacity", "t3.micro"), fleetWithoutCapacity("fleet-3", "InsufficientInstanceCapacity", "t3.micro", "t3a.micro")}
	s := spotStep(f, "price-capacity-optimized", "auto")
	if s.Run(context.Background(), state) != multistep.ActionHalt {
		t.Fatal("Run went on without an instance")
	}
	err, _ := stateGet[error](state, stateError)
	for _, w := range []string{"EC2 launched no Spot Instance of t3.micro, t3a.micro in subnet subnet-1 (3 attempts)",
		"t3.micro: InsufficientInstanceCapacity: no t3.micro", "t3a.micro: InsufficientInstanceCapacity",
		"list more spot_instance_types", "remove spot_price"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	s.Cleanup(state)
	want := "CreateLaunchTemplate CreateFleet CreateFleet CreateFleet DeleteFleets fleet-1 DeleteFleets fleet-2 DeleteFleets fleet-3 DeleteLaunchTemplate"
	if got := strings.Join(f.calls, " "); got != want {
		t.Errorf("calls:\n got %s\nwant %s", got, want)
	}
}

// TestStepRunSpotInstanceCapacityComesBack: a second attempt that gets an
// instance goes on; both fleets are deleted at the end.
func TestStepRunSpotInstanceCapacityComesBack(t *testing.T) {
	state := spotState(new(bytes.Buffer))
	f := newFakeSpot()
	f.fleets = []*ec2.CreateFleetOutput{fleetWithoutCapacity("fleet-1", "InsufficientInstanceCapacity", "t3.micro"), launched("fleet-2")}
	s := spotStep(f, "price-capacity-optimized", "auto")
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v", state.Get("error"))
	}
	if a, b := aws.ToString(f.fleetIns[0].ClientToken), aws.ToString(f.fleetIns[1].ClientToken); a == b {
		t.Errorf("both attempts carry client token %q: EC2 would answer the second with the first fleet", a)
	}
	s.Cleanup(state)
	if got := strings.Join(f.calls, " "); !strings.Contains(got, "DeleteFleets fleet-1 DeleteFleets fleet-2 TerminateInstances") {
		t.Errorf("calls: %s", got)
	}
}

// TestStepRunSpotInstancePriceTooLow: no retry; the error says to raise
// spot_price or use "auto".
func TestStepRunSpotInstancePriceTooLow(t *testing.T) {
	state := spotState(new(bytes.Buffer))
	f := newFakeSpot()
	f.fleets = []*ec2.CreateFleetOutput{fleetWithoutCapacity("fleet-1", "SpotMaxPriceTooLow", "t3.micro")}
	s := spotStep(f, "lowest-price", "0.0001")
	if s.Run(context.Background(), state) != multistep.ActionHalt {
		t.Fatal("Run went on without an instance")
	}
	err, _ := stateGet[error](state, stateError)
	if !strings.Contains(err.Error(), "(1 attempts)") || !strings.Contains(err.Error(), `spot_price 0.0001 is below the current Spot price: raise it, or set spot_price = "auto"`) {
		t.Errorf("error: %v", err)
	}
	s.Cleanup(state)
}
