package ami

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

type modifyInstanceEC2 interface {
	ModifyInstanceAttribute(context.Context, *ec2.ModifyInstanceAttributeInput, ...func(*ec2.Options)) (*ec2.ModifyInstanceAttributeOutput, error)
}

// StepModifyInstance sets enhanced networking on the stopped build
// instance (sriov_support, ena_support), which CreateImage then records in
// the AMI, as amazon-ebs does: EC2 changes these attributes only on a
// stopped instance, and an AMI takes them from its instance. Nothing to
// undo: the instance is terminated anyway. Uses: stateInstanceID.
type StepModifyInstance struct {
	EC2   modifyInstanceEC2
	ENA   *bool
	Sriov bool
}

func (s *StepModifyInstance) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	id, _ := stateGet[string](state, stateInstanceID)
	if s.Sriov {
		uiOf(state).Say(fmt.Sprintf("Enabling SR-IOV enhanced networking (sriov_support) on %s ...", id))
		_, err := s.EC2.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: &id,
			SriovNetSupport: &ec2types.AttributeValue{Value: aws.String("simple")}})
		if err != nil {
			return halt(state, fmt.Errorf("setting sriov_support on instance %s: %w", id, err))
		}
	}
	if s.ENA != nil {
		uiOf(state).Say(fmt.Sprintf("Setting ENA enhanced networking (ena_support) to %t on %s ...", *s.ENA, id))
		_, err := s.EC2.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: &id,
			EnaSupport: &ec2types.AttributeBooleanValue{Value: s.ENA}})
		if err != nil {
			return halt(state, fmt.Errorf("setting ena_support on instance %s: %w", id, err))
		}
	}
	return multistep.ActionContinue
}

func (s *StepModifyInstance) Cleanup(multistep.StateBag) {}
