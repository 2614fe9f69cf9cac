package ami

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// placementAndBilling adds zone and placement, EBS optimization, CPU
// credits, capacity reservation, Nitro Enclaves and licenses to in.
func (l LaunchSpec) placementAndBilling(in *ec2.RunInstancesInput) {
	if p := l.placement(); p != nil {
		in.Placement = p
	}
	if l.EbsOptimized {
		in.EbsOptimized = aws.Bool(true)
	}
	if burstable.MatchString(l.InstanceType) {
		// As amazon-ebs: standard unless asked, although EC2 launches t3
		// and newer as unlimited by default (surplus credits are billed).
		credits := "standard"
		if l.UnlimitedCredits {
			credits = "unlimited"
		}
		in.CreditSpecification = &ec2types.CreditSpecificationRequest{CpuCredits: aws.String(credits)}
	}
	in.CapacityReservationSpecification = l.Capacity.request()
	if l.NitroEnclave {
		in.EnclaveOptions = &ec2types.EnclaveOptionsRequest{Enabled: aws.Bool(true)}
	}
	for _, arn := range l.LicenseARNs {
		in.LicenseSpecifications = append(in.LicenseSpecifications, ec2types.LicenseConfigurationRequest{
			LicenseConfigurationArn: aws.String(arn)})
	}
}

func (l LaunchSpec) placement() *ec2types.Placement {
	p := l.Placement
	if l.AvailabilityZone == "" && p.Tenancy == "" && p.HostID == "" && p.HostResourceGroupARN == "" {
		return nil
	}
	return &ec2types.Placement{
		AvailabilityZone:     optional(l.AvailabilityZone),
		Tenancy:              ec2types.Tenancy(p.Tenancy),
		HostId:               optional(p.HostID),
		HostResourceGroupArn: optional(p.HostResourceGroupARN),
	}
}

func (c CapacityReservation) request() *ec2types.CapacityReservationSpecification {
	switch {
	case c.ID != "":
		return &ec2types.CapacityReservationSpecification{CapacityReservationTarget: &ec2types.CapacityReservationTarget{
			CapacityReservationId: aws.String(c.ID)}}
	case c.GroupARN != "":
		return &ec2types.CapacityReservationSpecification{CapacityReservationTarget: &ec2types.CapacityReservationTarget{
			CapacityReservationResourceGroupArn: aws.String(c.GroupARN)}}
	case c.Preference != "":
		return &ec2types.CapacityReservationSpecification{CapacityReservationPreference: ec2types.CapacityReservationPreference(c.Preference)}
	}
	return nil
}

// blockDeviceMappings are launch_block_device_mappings, and with
// no_ephemeral the instance store device names xvdca to xvdcz suppressed
// (as the EC2 console does), unless the template maps one of them itself.
func (l LaunchSpec) blockDeviceMappings() []ec2types.BlockDeviceMapping {
	out := BuildBlockDeviceMappings(l.BlockDevices)
	if !l.NoEphemeral {
		return out
	}
	mapped := map[string]bool{}
	for _, b := range l.BlockDevices {
		mapped[b.DeviceName] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		name := fmt.Sprintf("xvdc%c", c)
		if !mapped[name] && !mapped["/dev/"+name] {
			out = append(out, ec2types.BlockDeviceMapping{DeviceName: aws.String(name), NoDevice: aws.String("")})
		}
	}
	return out
}

// tagSpecifications tag the instance and its network interface with
// run_tags, its volumes with run_volume_tags (as amazon-ebs), all over the
// build's base tags; rendered with the generated data.
func (l LaunchSpec) tagSpecifications(state multistep.StateBag) ([]ec2types.TagSpecification, error) {
	r := newRenderer(state, l.Ctx)
	runTags, err := r.renderMap("run_tags", l.RunTags)
	if err != nil {
		return nil, err
	}
	volumeTags, err := r.renderMap("run_volume_tags", l.VolumeTags)
	if err != nil {
		return nil, err
	}
	// Tags may rename the resources (Name), never drop the build UUID.
	keep := map[string]string{BuildUUIDTagKey: l.Tags[BuildUUIDTagKey]}
	specs := tagSpecs(mergeTags(l.Tags, runTags, keep), ec2types.ResourceTypeInstance, ec2types.ResourceTypeNetworkInterface)
	return append(specs, tagSpecs(mergeTags(l.Tags, volumeTags, keep), ec2types.ResourceTypeVolume)...), nil
}
