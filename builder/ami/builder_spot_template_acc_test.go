//go:build acc

package ami

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSpotBuildLaunchTemplateHoldsEveryLaunchOption: the launch options of
// the template reach the Spot Instance's launch template as EC2 (moto)
// stores it: image, key pair, volumes, IMDS options, user data, instance
// profile, shutdown behaviour, network interface with the temporary group
// and public IP, run_tags on instance and interface, run_volume_tags on
// volumes. (moto's
// fleet launches its instance from only part of a launch template, so the
// template, not the instance, is what shows them.)
func TestSpotBuildLaunchTemplateHoldsEveryLaunchOption(t *testing.T) {
	e := newSpotEnv(t)
	e.createInstanceProfile(t, "image-builder")
	raw := e.spotTemplate(map[string]any{
		"launch_block_device_mappings": []map[string]any{{"device_name": "/dev/sda1", "volume_size": 30, "volume_type": "gp3", "throughput": 200, "encrypted": true}},
		"metadata_options":             map[string]any{"http_put_response_hop_limit": 2, "instance_metadata_tags": "enabled"},
		"user_data":                    "#!/bin/sh\necho spot\n",
		"iam_instance_profile":         "image-builder",
		"associate_public_ip_address":  true,
		"shutdown_behavior":            "terminate",
		"run_volume_tags":              map[string]string{"Disk": "root of {{ .SourceAMI }}"},
	})
	hook := &runHook{fail: func() error { e.assertLaunchTemplate(t); return nil }}
	if _, err, out := e.run(t, context.Background(), raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if p := e.proxy.Requests("CreateFleet")[0].Params; p.Get("LaunchTemplateConfigs.1.Overrides.1.SubnetId") != "" {
		t.Errorf("subnet named in the overrides too: EC2 Fleet would then ignore the template's interface (%v)", p)
	}
	e.assertNoSpotLeft(t)
}

// assertLaunchTemplate checks the build's launch template as moto holds it
// against the options TestSpotBuildLaunchTemplateHoldsEveryLaunchOption sets.
func (e *spotEnv) assertLaunchTemplate(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	inst := e.buildInstance(t)
	lts, err := e.ec2.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{})
	if err != nil || len(lts.LaunchTemplates) != 1 {
		t.Fatalf("launch templates: %+v %v", lts, err)
	}
	v, err := e.ec2.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: lts.LaunchTemplates[0].LaunchTemplateId, Versions: []string{"1"}})
	if err != nil || len(v.LaunchTemplateVersions) != 1 {
		t.Fatalf("launch template version: %+v %v", v, err)
	}
	d := v.LaunchTemplateVersions[0].LaunchTemplateData
	groups := e.temporaryGroups(t)
	ni, bd := d.NetworkInterfaces[0], d.BlockDeviceMappings[0]
	checks := map[string]bool{
		"source AMI":       aws.ToString(d.ImageId) == "ami-0a1b2c3d4e5f60002",
		"key pair":         strings.HasPrefix(aws.ToString(d.KeyName), "immutable-build-") && aws.ToString(d.KeyName) == aws.ToString(inst.KeyName),
		"volume":           aws.ToString(bd.DeviceName) == "/dev/sda1" && aws.ToInt32(bd.Ebs.VolumeSize) == 30 && bd.Ebs.VolumeType == "gp3" && aws.ToInt32(bd.Ebs.Throughput) == 200 && aws.ToBool(bd.Ebs.Encrypted) && aws.ToBool(bd.Ebs.DeleteOnTermination),
		"IMDSv2":           d.MetadataOptions.HttpTokens == "required" && aws.ToInt32(d.MetadataOptions.HttpPutResponseHopLimit) == 2 && d.MetadataOptions.InstanceMetadataTags == "enabled",
		"user data":        aws.ToString(d.UserData) == "IyEvYmluL3NoCmVjaG8gc3BvdAo=",
		"instance profile": aws.ToString(d.IamInstanceProfile.Name) == "image-builder",
		"shutdown":         d.InstanceInitiatedShutdownBehavior == "terminate",
		"interface":        aws.ToString(ni.SubnetId) == aws.ToString(inst.SubnetId) && aws.ToBool(ni.AssociatePublicIpAddress) && len(ni.Groups) == 1 && ni.Groups[0] == groups[0],
	}
	for what, ok := range checks {
		if !ok {
			t.Errorf("%s did not reach the launch template: %+v", what, d)
		}
	}
	want := map[string]map[string]string{
		"instance":          {"Purpose": "bake ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301"},
		"network-interface": {"Purpose": "bake ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301"},
		"volume":            {"Disk": "root of ami-0a1b2c3d4e5f60002"},
	}
	for rt, tags := range want {
		var got map[string]string
		for _, ts := range d.TagSpecifications {
			if string(ts.ResourceType) == rt {
				got = tagMap(ts.Tags)
			}
		}
		assertTags(t, rt, got, tags)
	}
}

// temporaryGroups are the IDs of the groups tagged with a build UUID.
func (e *spotEnv) temporaryGroups(t *testing.T) []string {
	t.Helper()
	out, err := e.ec2.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{BuildUUIDTagKey}}}})
	if err != nil || len(out.SecurityGroups) != 1 {
		t.Fatalf("want the temporary group: %+v %v", out, err)
	}
	return []string{aws.ToString(out.SecurityGroups[0].GroupId)}
}
