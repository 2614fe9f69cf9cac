package ami

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// fakeSpotEC2 plays EC2 for StepRunSpotInstance: CreateFleet answers from
// a script, one answer per call; every call is logged in order.
type fakeSpotEC2 struct {
	mu       sync.Mutex
	calls    []string
	template *ec2.CreateLaunchTemplateInput
	fleetIns []*ec2.CreateFleetInput
	fleets   []*ec2.CreateFleetOutput // one per CreateFleet call
	instance ec2types.Instance        // as DescribeInstances shows i-1
	request  ec2types.SpotInstanceRequest
	asked    []*ec2.DescribeSpotInstanceRequestsInput
	failOn   map[string]error // call name -> error
}

func newFakeSpot() *fakeSpotEC2 {
	return &fakeSpotEC2{
		instance: ec2types.Instance{InstanceId: aws.String("i-1"), PrivateIpAddress: aws.String("10.0.0.5"), SpotInstanceRequestId: aws.String("sir-1"),
			State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning}},
		request: ec2types.SpotInstanceRequest{SpotInstanceRequestId: aws.String("sir-1"), InstanceId: aws.String("i-1"),
			State: ec2types.SpotInstanceStateActive, Status: &ec2types.SpotInstanceStatus{Code: aws.String("fulfilled")}},
		failOn: map[string]error{},
	}
}

// launched is a CreateFleet answer with instance i-1.
func launched(fleet string) *ec2.CreateFleetOutput {
	return &ec2.CreateFleetOutput{FleetId: aws.String(fleet), Instances: []ec2types.CreateFleetInstance{{InstanceIds: []string{"i-1"}}}}
}

// fleetWithoutCapacity is a CreateFleet answer with one error per instance type.
func fleetWithoutCapacity(fleet, code string, types ...string) *ec2.CreateFleetOutput {
	out := &ec2.CreateFleetOutput{FleetId: aws.String(fleet)}
	for _, t := range types {
		out.Errors = append(out.Errors, ec2types.CreateFleetError{ErrorCode: aws.String(code), ErrorMessage: aws.String("no " + t),
			LaunchTemplateAndOverrides: &ec2types.LaunchTemplateAndOverridesResponse{
				Overrides: &ec2types.FleetLaunchTemplateOverrides{InstanceType: ec2types.InstanceType(t)}}})
	}
	return out
}

func (f *fakeSpotEC2) log(call string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	return f.failOn[call]
}

func (f *fakeSpotEC2) CreateLaunchTemplate(_ context.Context, in *ec2.CreateLaunchTemplateInput, _ ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateOutput, error) {
	f.template = in
	return &ec2.CreateLaunchTemplateOutput{LaunchTemplate: &ec2types.LaunchTemplate{LaunchTemplateId: aws.String("lt-1")}}, f.log("CreateLaunchTemplate")
}

func (f *fakeSpotEC2) DeleteLaunchTemplate(context.Context, *ec2.DeleteLaunchTemplateInput, ...func(*ec2.Options)) (*ec2.DeleteLaunchTemplateOutput, error) {
	return &ec2.DeleteLaunchTemplateOutput{}, f.log("DeleteLaunchTemplate")
}

func (f *fakeSpotEC2) CreateFleet(_ context.Context, in *ec2.CreateFleetInput, _ ...func(*ec2.Options)) (*ec2.CreateFleetOutput, error) {
	cp := *in
	f.fleetIns = append(f.fleetIns, &cp)
	out := f.fleets[0]
	if len(f.fleets) > 1 {
		f.fleets = f.fleets[1:]
	}
	return out, f.log("CreateFleet")
}

func (f *fakeSpotEC2) DeleteFleets(_ context.Context, in *ec2.DeleteFleetsInput, _ ...func(*ec2.Options)) (*ec2.DeleteFleetsOutput, error) {
	return &ec2.DeleteFleetsOutput{}, f.log("DeleteFleets " + in.FleetIds[0])
}

func (f *fakeSpotEC2) DescribeSpotInstanceRequests(_ context.Context, in *ec2.DescribeSpotInstanceRequestsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSpotInstanceRequestsOutput, error) {
	f.asked = append(f.asked, in)
	return &ec2.DescribeSpotInstanceRequestsOutput{SpotInstanceRequests: []ec2types.SpotInstanceRequest{f.request}}, f.log("DescribeSpotInstanceRequests")
}

func (f *fakeSpotEC2) CancelSpotInstanceRequests(context.Context, *ec2.CancelSpotInstanceRequestsInput, ...func(*ec2.Options)) (*ec2.CancelSpotInstanceRequestsOutput, error) {
	return &ec2.CancelSpotInstanceRequestsOutput{}, f.log("CancelSpotInstanceRequests")
}

func (f *fakeSpotEC2) DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	f.mu.Lock()
	inst := f.instance
	f.mu.Unlock()
	return &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{Instances: []ec2types.Instance{inst}}}}, nil
}

func (f *fakeSpotEC2) TerminateInstances(context.Context, *ec2.TerminateInstancesInput, ...func(*ec2.Options)) (*ec2.TerminateInstancesOutput, error) {
	err := f.log("TerminateInstances")
	f.mu.Lock()
	f.instance.State = &ec2types.InstanceState{Name: ec2types.InstanceStateNameTerminated}
	f.mu.Unlock()
	return &ec2.TerminateInstancesOutput{}, err
}

// DescribeVolumes: the instance's volumes are gone with it.
func (f *fakeSpotEC2) DescribeVolumes(context.Context, *ec2.DescribeVolumesInput, ...func(*ec2.Options)) (*ec2.DescribeVolumesOutput, error) {
	return &ec2.DescribeVolumesOutput{}, nil
}

func (f *fakeSpotEC2) DeleteVolume(context.Context, *ec2.DeleteVolumeInput, ...func(*ec2.Options)) (*ec2.DeleteVolumeOutput, error) {
	return &ec2.DeleteVolumeOutput{}, f.log("DeleteVolume")
}

// spotState is the state a launch step finds: source image ami-1, subnet
// subnet-1, group sg-1, key pair k, generated data naming the source.
func spotState(out *bytes.Buffer) multistep.StateBag {
	state := testState(out)
	statePut(state, stateSourceImage, ec2types.Image{ImageId: aws.String("ami-1")})
	statePut(state, stateSubnetID, "subnet-1")
	statePut(state, stateSecurityGroupIDs, []string{"sg-1"})
	statePut(state, stateKeyPairName, "k")
	statePut(state, stateGeneratedData, map[string]any{"SourceAMI": "ami-1"})
	return state
}

// spotStep is a Spot launch of t3.micro or t3a.micro against f.
func spotStep(f *fakeSpotEC2, strategy ec2types.SpotAllocationStrategy, price string) *StepRunSpotInstance {
	spec := fullLaunchSpec()
	spec.AssociatePublicIP = nil
	return &StepRunSpotInstance{EC2: f, Launch: spec,
		Spot: SpotSpec{MaxPrice: price, Types: []string{"t3.micro", "t3a.micro"}, Strategy: strategy,
			SpotTags: map[string]string{"cost": "spot-{{ .SourceAMI }}"}, FleetTags: map[string]string{"fleet": "{{ .SourceAMI }}"},
			Tags: baseTags("u-1", "b-1"), Name: "immutable-build-x", CapacityRetries: []time.Duration{time.Millisecond, time.Millisecond}},
		Instance: buildInstance{EC2: f, Region: "us-east-1", Polling: fastPolling}}
}

// fleetProfileLagEC2 refuses the first CreateFleet as EC2 does right after an
// instance profile is created.
type fleetProfileLagEC2 struct {
	*fakeSpotEC2
	refused int
}

func (f *fleetProfileLagEC2) CreateFleet(ctx context.Context, in *ec2.CreateFleetInput, o ...func(*ec2.Options)) (*ec2.CreateFleetOutput, error) {
	if f.refused == 0 {
		f.refused++
		return nil, &smithy.GenericAPIError{Code: "InvalidParameterValue",
			Message: "Value (builder) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"}
	}
	return f.fakeSpotEC2.CreateFleet(ctx, in, o...)
}
