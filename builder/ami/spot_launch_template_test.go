package ami

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// fullLaunchSpec sets every launch option the template has.
func fullLaunchSpec() LaunchSpec {
	return LaunchSpec{
		InstanceType: "t3.micro", Tags: baseTags("u-1", "b-1"), AssociatePublicIP: aws.Bool(true),
		RunTags:            map[string]string{"Name": "web-build", "From": "{{ .SourceAMI }}"},
		VolumeTags:         map[string]string{"Disk": "root of {{ .SourceAMI }}"},
		IAMInstanceProfile: "arn:aws:iam::123456789012:instance-profile/builder", UserData: "#!/bin/sh\necho hi\n",
		Metadata:         MetadataOptions{HTTPEndpoint: "enabled", HTTPTokens: "required", InstanceMetadataTags: "enabled", HTTPPutResponseHopLimit: 3},
		ShutdownBehavior: "terminate",
		BlockDevices: []BlockDevice{{DeviceName: "/dev/sda1", VolumeSize: 30, VolumeType: "gp3", Throughput: 250, Encrypted: aws.Bool(true),
			KmsKeyID: "alias/k", DeleteOnTermination: aws.Bool(true)}, {DeviceName: "/dev/sdf", NoDevice: true}},
	}
}

// TestSpotLaunchTemplateCarriesEveryLaunchOption: the launch template of a
// Spot build is made from the same LaunchSpec as the on-demand request, and
// each option the template sets reaches it: image, type, key, profile, user
// data, IMDS options, shutdown behaviour, block devices, network (subnet,
// groups, public IP) and the instance/volume/ENI tags with run_tags.
func TestSpotLaunchTemplateCarriesEveryLaunchOption(t *testing.T) {
	state := spotState(new(bytes.Buffer))
	run, err := fullLaunchSpec().input(state)
	if err != nil {
		t.Fatal(err)
	}
	d, err := launchTemplateData(run)
	if err != nil {
		t.Fatal(err)
	}
	ni, bd := d.NetworkInterfaces[0], d.BlockDeviceMappings
	checks := map[string]bool{
		"image":            aws.ToString(d.ImageId) == "ami-1",
		"instance_type":    d.InstanceType == "t3.micro",
		"key pair":         aws.ToString(d.KeyName) == "k",
		"instance profile": aws.ToString(d.IamInstanceProfile.Arn) == "arn:aws:iam::123456789012:instance-profile/builder",
		"user_data":        aws.ToString(d.UserData) == "IyEvYmluL3NoCmVjaG8gaGkK",
		"http_tokens":      d.MetadataOptions.HttpTokens == "required" && d.MetadataOptions.HttpEndpoint == "enabled",
		"hop limit":        aws.ToInt32(d.MetadataOptions.HttpPutResponseHopLimit) == 3,
		"metadata tags":    d.MetadataOptions.InstanceMetadataTags == "enabled",
		"shutdown":         d.InstanceInitiatedShutdownBehavior == "terminate",
		"root volume": aws.ToInt32(bd[0].Ebs.VolumeSize) == 30 && bd[0].Ebs.VolumeType == "gp3" && aws.ToInt32(bd[0].Ebs.Throughput) == 250 &&
			aws.ToBool(bd[0].Ebs.Encrypted) && aws.ToString(bd[0].Ebs.KmsKeyId) == "alias/k" && aws.ToBool(bd[0].Ebs.DeleteOnTermination),
		"no_device":      aws.ToString(bd[1].DeviceName) == "/dev/sdf" && bd[1].NoDevice != nil && bd[1].Ebs == nil,
		"subnet on ENI":  aws.ToString(ni.SubnetId) == "subnet-1" && aws.ToInt32(ni.DeviceIndex) == 0,
		"groups on ENI":  reflect.DeepEqual(ni.Groups, []string{"sg-1"}) && len(d.SecurityGroupIds) == 0,
		"public IP":      aws.ToBool(ni.AssociatePublicIpAddress) && aws.ToBool(ni.DeleteOnTermination),
		"not spot by LT": d.InstanceMarketOptions == nil,
	}
	for what, ok := range checks {
		if !ok {
			t.Errorf("%s did not reach the launch template: %+v", what, d)
		}
	}
	assertLaunchTemplateTags(t, d)
	// Without associate_public_ip_address the groups are the template's
	// and the subnet goes to the fleet's overrides.
	spec := fullLaunchSpec()
	spec.AssociatePublicIP = nil
	run, _ = spec.input(state)
	if d, err = launchTemplateData(run); err != nil || d.NetworkInterfaces != nil || !reflect.DeepEqual(d.SecurityGroupIds, []string{"sg-1"}) {
		t.Errorf("template without ENI: %+v, %v", d, err)
	}
}

// assertLaunchTemplateTags: fullLaunchSpec's run_tags on the instance and
// its interface, its run_volume_tags on volumes, over the build's tags.
func assertLaunchTemplateTags(t *testing.T, d *ec2types.RequestLaunchTemplateData) {
	t.Helper()
	for _, rt := range []ec2types.ResourceType{"instance", "network-interface"} {
		tags := launchTemplateTags(d, rt)
		if tags["Name"] != "web-build" || tags["From"] != "ami-1" || tags[BuildUUIDTagKey] != "u-1" {
			t.Errorf("%s tags %v: want run_tags rendered over the build's tags", rt, tags)
		}
	}
	if tags := launchTemplateTags(d, "volume"); tags["Disk"] != "root of ami-1" || tags[BuildUUIDTagKey] != "u-1" {
		t.Errorf("volume tags %v: want run_volume_tags rendered over the build's tags", tags)
	}
}

func launchTemplateTags(d *ec2types.RequestLaunchTemplateData, rt ec2types.ResourceType) map[string]string {
	for _, ts := range d.TagSpecifications {
		if ts.ResourceType == rt {
			return tagMap(ts.Tags)
		}
	}
	return nil
}

// launchTemplateUnsupported are the RunInstances parameters a launch
// template has no place for. No option sets them; if one ever does, the
// Spot launch fails with an error naming it instead of dropping it.
var launchTemplateUnsupported = []string{"AdditionalInfo", "EnablePrimaryIpv6", "Ipv6AddressCount", "Ipv6Addresses", "PrivateIpAddress"}

// TestLaunchTemplateDataDropsNothing: each RunInstances parameter, set on its
// own, either reaches the launch template, is one the fleet carries
// instead (runOnlyFields), or makes the conversion fail naming it. So an
// option added to the launch request later reaches Spot builds too, or
// fails loudly.
func TestLaunchTemplateDataDropsNothing(t *testing.T) {
	typ := reflect.TypeOf(ec2.RunInstancesInput{})
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if !f.IsExported() || runOnlyFields[f.Name] != "" {
			continue
		}
		var in ec2.RunInstancesInput
		setNonZero(reflect.ValueOf(&in).Elem().Field(i))
		d, err := launchTemplateData(&in)
		unsupported := slices.Contains(launchTemplateUnsupported, f.Name)
		switch {
		case unsupported && (err == nil || !strings.Contains(err.Error(), f.Name)):
			t.Errorf("%s: no launch template field, but the conversion said %v", f.Name, err)
		case !unsupported && err != nil:
			t.Errorf("%s: %v", f.Name, err)
		case !unsupported && reflect.ValueOf(*d).IsZero():
			t.Errorf("%s was set but did not reach the launch template", f.Name)
		}
	}
}

// setNonZero gives v the smallest value that is not its zero value.
func setNonZero(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
	case reflect.String:
		v.SetString("x")
	default:
		panic("setNonZero: " + v.Kind().String())
	}
}
