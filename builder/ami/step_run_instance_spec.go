package ami

import (
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// LaunchSpec is what the template says about the build instance itself;
// the network, key and image come from earlier steps through the state.
// Every launch path builds its request from it.
type LaunchSpec struct {
	InstanceType       string
	RunTags            map[string]string
	VolumeTags         map[string]string // run_volume_tags
	Tags               map[string]string // the build's base tags
	BlockDevices       []BlockDevice
	NoEphemeral        bool
	AssociatePublicIP  *bool
	IAMInstanceProfile string
	UserData           string
	UserDataFile       string
	Metadata           MetadataOptions
	ShutdownBehavior   string
	// Placement and billing: availability_zone, placement, ebs_optimized,
	// CPU credits, capacity reservations, Nitro Enclaves, licenses.
	AvailabilityZone string
	Placement        Placement
	EbsOptimized     bool
	UnlimitedCredits bool
	Capacity         CapacityReservation
	NitroEnclave     bool
	LicenseARNs      []string
	// Ctx renders run_tags and run_volume_tags with the generated data
	// (SourceAMI …).
	Ctx interpolate.Context
}

// buildInstance is how either launch step waits for, addresses and
// terminates the build instance.
func (c *Config) buildInstance(client buildInstanceEC2, polling ec2wait.Options) buildInstance {
	return buildInstance{EC2: client, Region: c.RawRegion, Polling: polling, SSHHost: c.Comm.SSHHost, SSHInterface: c.SSHInterface,
		Kept: LaunchSpec{BlockDevices: c.LaunchMappings}.keptDevices()}
}

// CapacityReservation is capacity_reservation_preference / _id /
// _group_arn (Prepare lets only one through).
type CapacityReservation struct{ Preference, ID, GroupARN string }

// launchSpec gathers what the template says about the build instance.
func (c *Config) launchSpec(tags map[string]string) LaunchSpec {
	var licenses []string
	for _, l := range c.LicenseSpecifications {
		licenses = append(licenses, l.LicenseConfigurationRequest.LicenseConfigurationARN)
	}
	return LaunchSpec{
		InstanceType: c.InstanceType, RunTags: c.RunTags, VolumeTags: c.RunVolumeTags, Tags: tags,
		BlockDevices: c.LaunchMappings, NoEphemeral: c.NoEphemeral, AssociatePublicIP: c.AssociatePublicIPAddress,
		IAMInstanceProfile: c.IAMInstanceProfile, UserData: c.UserData, UserDataFile: c.UserDataFile,
		Metadata: c.Metadata, ShutdownBehavior: c.InstanceInitiatedShutdownBehavior,
		AvailabilityZone: c.AvailabilityZone, Placement: c.Placement, EbsOptimized: c.EbsOptimized,
		UnlimitedCredits: c.EnableUnlimitedCredits, NitroEnclave: c.EnableNitroEnclave, LicenseARNs: licenses,
		Capacity: CapacityReservation{Preference: c.CapacityReservationPreference, ID: c.CapacityReservationID,
			GroupARN: c.CapacityReservationGroupARN},
		Ctx: c.ctx,
	}
}

// input builds the RunInstances request.
func (l LaunchSpec) input(state multistep.StateBag) (*ec2.RunInstancesInput, error) {
	img, ok := stateGet[ec2types.Image](state, stateSourceImage)
	if !ok {
		return nil, errors.New("internal error: no source image in state")
	}
	specs, err := l.tagSpecifications(state)
	if err != nil {
		return nil, err
	}
	userData, err := l.userData()
	if err != nil {
		return nil, err
	}
	in := &ec2.RunInstancesInput{
		ImageId:                           img.ImageId,
		InstanceType:                      ec2types.InstanceType(l.InstanceType),
		MinCount:                          aws.Int32(1),
		MaxCount:                          aws.Int32(1),
		UserData:                          userData,
		BlockDeviceMappings:               l.blockDeviceMappings(),
		MetadataOptions:                   l.Metadata.request(),
		InstanceInitiatedShutdownBehavior: ec2types.ShutdownBehavior(l.ShutdownBehavior),
		TagSpecifications:                 specs,
	}
	if key, _ := stateGet[string](state, stateKeyPairName); key != "" {
		in.KeyName = aws.String(key)
	}
	// A profile made for the build (temporary_iam_instance_profile_policy_document)
	// or iam_instance_profile; Prepare allows only one.
	profile, _ := stateGet[string](state, stateInstanceProfile)
	switch profile = cmp.Or(profile, l.IAMInstanceProfile); {
	case strings.HasPrefix(profile, "arn:"):
		in.IamInstanceProfile = &ec2types.IamInstanceProfileSpecification{Arn: aws.String(profile)}
	case profile != "":
		in.IamInstanceProfile = &ec2types.IamInstanceProfileSpecification{Name: aws.String(profile)}
	}
	l.network(state, in)
	l.placementAndBilling(in)
	return in, nil
}

// network places the instance. associate_public_ip_address can only be
// said on a network interface, which then carries subnet and groups too.
func (l LaunchSpec) network(state multistep.StateBag, in *ec2.RunInstancesInput) {
	subnet, _ := stateGet[string](state, stateSubnetID)
	groups, _ := stateGet[[]string](state, stateSecurityGroupIDs)
	if l.AssociatePublicIP == nil {
		in.SubnetId = aws.String(subnet)
		in.SecurityGroupIds = groups
		return
	}
	in.NetworkInterfaces = []ec2types.InstanceNetworkInterfaceSpecification{{
		DeviceIndex:              aws.Int32(0),
		SubnetId:                 aws.String(subnet),
		Groups:                   groups,
		AssociatePublicIpAddress: l.AssociatePublicIP,
		DeleteOnTermination:      aws.Bool(true),
	}}
}

func (l LaunchSpec) userData() (*string, error) {
	data := []byte(l.UserData)
	if l.UserDataFile != "" {
		var err error
		if data, err = os.ReadFile(l.UserDataFile); err != nil {
			return nil, fmt.Errorf("reading user_data_file: %w", err)
		}
	}
	if len(data) == 0 {
		return nil, nil
	}
	return aws.String(base64.StdEncoding.EncodeToString(data)), nil
}

func (m MetadataOptions) request() *ec2types.InstanceMetadataOptionsRequest {
	r := &ec2types.InstanceMetadataOptionsRequest{
		HttpEndpoint:         ec2types.InstanceMetadataEndpointState(m.HTTPEndpoint),
		HttpTokens:           ec2types.HttpTokensState(m.HTTPTokens),
		InstanceMetadataTags: ec2types.InstanceMetadataTagsState(m.InstanceMetadataTags),
	}
	if m.HTTPPutResponseHopLimit != 0 {
		r.HttpPutResponseHopLimit = aws.Int32(m.HTTPPutResponseHopLimit)
	}
	return r
}
