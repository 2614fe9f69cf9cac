//go:build acc

package ami

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// TestLaunchOptionsReachEC2: vpc_id, subnet_id, security_group_ids,
// associate_public_ip_address, user_data, metadata_options,
// shutdown_behavior and launch_block_device_mappings are what moto shows on
// the running build instance; no temporary group is made.
func TestLaunchOptionsReachEC2(t *testing.T) {
	e := newBuildEnv(t)
	proxy := e.proxy
	vpc, sn := e.makeVPC(t, "10.5.0.0/16", "us-east-1b")
	group := e.makeGroup(t, vpc, nil)
	ctx := context.Background()
	hook := &runHook{fail: func() error {
		inst := e.buildInstance(t)
		// associate_public_ip_address puts subnet and groups on the
		// network interface, where moto keeps them.
		if aws.ToString(inst.SubnetId) != sn || aws.ToString(inst.VpcId) != vpc || !interfaceHasGroup(inst, group) ||
			inst.PublicIpAddress != nil {
			t.Errorf("placement: subnet %s vpc %s interfaces %+v public IP %v", aws.ToString(inst.SubnetId),
				aws.ToString(inst.VpcId), inst.NetworkInterfaces, aws.ToString(inst.PublicIpAddress))
		}
		if m := inst.MetadataOptions; m.HttpTokens != "optional" || aws.ToInt32(m.HttpPutResponseHopLimit) != 3 {
			t.Errorf("metadata options %+v", m)
		}
		ud, err := e.ec2.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: inst.InstanceId, Attribute: "userData"})
		if err != nil || aws.ToString(ud.UserData.Value) != "I2Nsb3VkLWNvbmZpZwpydW5jbWQ6IFtbdHJ1ZV1dCg==" {
			t.Errorf("user data %v %v", ud, err)
		}
		sb, err := e.ec2.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: inst.InstanceId, Attribute: "instanceInitiatedShutdownBehavior"})
		if err != nil || aws.ToString(sb.InstanceInitiatedShutdownBehavior.Value) != "terminate" {
			t.Errorf("shutdown behavior %v %v", sb, err)
		}
		vols, err := e.ec2.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []ec2types.Filter{
			{Name: aws.String("attachment.instance-id"), Values: []string{aws.ToString(inst.InstanceId)}}}})
		if err != nil || !hasVolume(vols.Volumes, "/dev/sda1", 20, "gp3") {
			t.Errorf("volumes %+v %v: want /dev/sda1 20 GiB gp3", vols, err)
		}
		groups, _ := e.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
			{Name: aws.String("tag-key"), Values: []string{BuildUUIDTagKey}}}})
		if len(groups.SecurityGroups) != 0 {
			t.Errorf("a temporary group was made despite security_group_ids: %+v", groups.SecurityGroups)
		}
		return nil
	}}
	raw := e.template(map[string]any{
		"vpc_id": vpc, "subnet_id": sn, "security_group_ids": []string{group},
		"temporary_security_group_source_cidrs": nil, "associate_public_ip_address": false,
		"user_data":         "#cloud-config\nruncmd: [[true]]\n",
		"metadata_options":  map[string]any{"http_tokens": "optional", "http_put_response_hop_limit": 3},
		"shutdown_behavior": "terminate",
		"launch_block_device_mappings": []map[string]any{
			{"device_name": "/dev/sda1", "volume_size": 20, "volume_type": "gp3"}},
	})
	if _, err, out := e.run(t, ctx, raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	e.assertNothingLeft(t)
	// delete_on_termination defaults to true: the build's volume went with
	// its instance (moto deletes volumes so flagged on termination).
	vols, err := e.ec2.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag-key"), Values: []string{BuildUUIDTagKey}}}})
	if err != nil || len(vols.Volumes) != 0 {
		t.Errorf("build volumes left after termination: %+v %v", vols, err)
	}
	enis, err := e.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{
		{Name: aws.String("subnet-id"), Values: []string{sn}}}})
	if err != nil || len(enis.NetworkInterfaces) != 0 {
		t.Errorf("network interfaces left in the build subnet: %+v %v", enis, err)
	}
	// moto 5.2.1 ignores network-interface tag specifications on
	// RunInstances; the request shows the interface is tagged at launch.
	if !requestTags(proxy.Requests("RunInstances"), "network-interface", BuildUUIDTagKey) {
		t.Error("RunInstances did not tag the network interface with the build UUID")
	}
}

// requestTags reports whether a recorded request tagged resourceType with key.
func requestTags(reqs []ec2test.Request, resourceType, key string) bool {
	for _, r := range reqs {
		if _, ok := queryTags(r.Params, "TagSpecification", resourceType)[key]; ok {
			return true
		}
	}
	return false
}

func interfaceHasGroup(inst ec2types.Instance, group string) bool {
	for _, ni := range inst.NetworkInterfaces {
		for _, g := range ni.Groups {
			if aws.ToString(g.GroupId) == group {
				return true
			}
		}
	}
	return false
}

func hasVolume(vols []ec2types.Volume, device string, size int32, typ string) bool {
	for _, v := range vols {
		for _, a := range v.Attachments {
			if aws.ToString(a.Device) == device && aws.ToInt32(v.Size) == size && string(v.VolumeType) == typ {
				return true
			}
		}
	}
	return false
}

// TestSubnetAndGroupFilters: subnet_filter and security_group_filter find
// the tagged subnet and, in its VPC, the tagged group.
func TestSubnetAndGroupFilters(t *testing.T) {
	e := newBuildEnv(t)
	vpc, sn := e.makeVPC(t, "10.6.0.0/16", "us-east-1c")
	if _, err := e.ec2.CreateTags(context.Background(), &ec2.CreateTagsInput{Resources: []string{sn},
		Tags: ec2Tags(map[string]string{"Class": "build"})}); err != nil {
		t.Fatal(err)
	}
	group := e.makeGroup(t, vpc, map[string]string{"Class": "build"})
	e.makeGroup(t, e.defaultVPC(t), map[string]string{"Class": "build"}) // same tag, other VPC: not usable
	hook := &runHook{fail: func() error {
		inst := e.buildInstance(t)
		if aws.ToString(inst.SubnetId) != sn || len(inst.SecurityGroups) != 1 || aws.ToString(inst.SecurityGroups[0].GroupId) != group {
			t.Errorf("instance in %s with %+v; want %s with %s", aws.ToString(inst.SubnetId), inst.SecurityGroups, sn, group)
		}
		return nil
	}}
	raw := e.template(map[string]any{
		"subnet_filter":                         map[string]any{"filters": map[string]string{"tag:Class": "build"}},
		"security_group_filter":                 map[string]any{"filters": map[string]string{"tag:Class": "build"}},
		"temporary_security_group_source_cidrs": nil,
	})
	if _, err, out := e.run(t, context.Background(), raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	e.assertNothingLeft(t)
}
