package ami

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type protectImagesEC2 interface {
	EnableImageDeregistrationProtection(context.Context, *ec2.EnableImageDeregistrationProtectionInput, ...func(*ec2.Options)) (*ec2.EnableImageDeregistrationProtectionOutput, error)
	DisableImageDeregistrationProtection(context.Context, *ec2.DisableImageDeregistrationProtectionInput, ...func(*ec2.Options)) (*ec2.DisableImageDeregistrationProtectionOutput, error)
}

// StepProtectImages turns on deregistration protection for the AMI in every
// region (deregistration_protection), as the build's last step: a protected
// AMI cannot be removed, so nothing that could still fail comes after it.
// If protecting one region fails, Cleanup turns protection off again where
// it was turned on, so the failed build's images can be removed (with the
// cooldown EC2 keeps them protected 24 hours: the exact commands are then
// printed). Uses: stateAMIs.
type StepProtectImages struct {
	Clients      clientFor[protectImagesEC2]
	WithCooldown bool
	Polling      ec2wait.Options

	protected map[string]string // region -> AMI protected by this step
}

func (s *StepProtectImages) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	amis, _ := stateGet[map[string]string](state, stateAMIs)
	for _, region := range slices.Sorted(maps.Keys(amis)) {
		id := amis[region]
		uiOf(state).Say(fmt.Sprintf("Protecting AMI %s in %s from deregistration (cooldown: %t) ...", id, region, s.WithCooldown))
		c, err := s.Clients(ctx, region)
		if err == nil {
			err = ec2wait.Retry(ctx, "protecting "+id, s.Polling, func(ctx context.Context) error {
				_, err := c.EnableImageDeregistrationProtection(ctx, &ec2.EnableImageDeregistrationProtectionInput{
					ImageId: aws.String(id), WithCooldown: aws.Bool(s.WithCooldown)})
				return err
			})
		}
		if err != nil {
			return halt(state, fmt.Errorf("enabling deregistration_protection on AMI %s in %s: %w", id, region, err))
		}
		if s.protected == nil {
			s.protected = map[string]string{}
		}
		s.protected[region] = id
	}
	return multistep.ActionContinue
}

// Cleanup lifts the protection again when the build failed after all.
func (s *StepProtectImages) Cleanup(state multistep.StateBag) {
	if !buildFailed(state) || len(s.protected) == 0 {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	for _, region := range slices.Sorted(maps.Keys(s.protected)) {
		id := s.protected[region]
		c, err := s.Clients(ctx, region)
		if err == nil {
			_, err = c.DisableImageDeregistrationProtection(ctx, &ec2.DisableImageDeregistrationProtectionInput{ImageId: aws.String(id)})
		}
		if err != nil {
			leftBehind(state, "deregistration protection of AMI", id,
				fmt.Sprintf("aws ec2 disable-image-deregistration-protection --region %s --image-id %s", region, id), err)
		}
	}
}
