//go:build acc

package ami

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// TestSpotBuildWithAutoPriceBakesAndLeavesNothing: a whole build with
// spot_price = "auto" and two instance types runs on a Spot Instance from
// an instant fleet (moto models CreateFleet and Spot requests): the
// instance is a Spot one with run_tags, its Spot request carries spot_tags,
// the fleet fleet_tag, the provisioner runs over SSH, the image is made
// without stopping the instance, and afterwards no launch template, fleet,
// Spot request, instance, key pair, group or volume is left.
func TestSpotBuildWithAutoPriceBakesAndLeavesNothing(t *testing.T) {
	e := newSpotEnv(t)
	t.Setenv("PACKER_RUN_UUID", "22222222-2222-3333-4444-555555555555")
	var checked bool
	hook := &runHook{commands: []string{"echo spot > provisioned.txt"}, fail: func() error {
		checked = true
		e.assertSpotResources(t)
		return nil
	}}
	art, err, out := e.run(t, context.Background(), e.spotTemplate(nil), hook)
	if err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if !checked {
		t.Fatal("provisioning hook never ran")
	}
	if imgs := e.images(t); len(imgs) != 1 || art.Id() != "us-east-1:"+aws.ToString(imgs[0].ImageId) {
		t.Errorf("artifact %q, images %v", art.Id(), imgs)
	}
	if b, err := os.ReadFile(filepath.Join(e.ssh.Home, "provisioned.txt")); err != nil || string(b) != "spot\n" {
		t.Errorf("provisioner did not run over SSH: %q %v", b, err)
	}
	if stops := e.proxy.Requests("StopInstances"); len(stops) != 0 {
		t.Errorf("StopInstances called for a Spot Instance (EC2 refuses it): %v", stops)
	}
	if imgs := e.proxy.Requests("CreateImage"); len(imgs) != 1 || imgs[0].Params.Get("NoReboot") != "" {
		t.Errorf("CreateImage %v: want one, letting EC2 reboot the running instance", imgs)
	}
	e.assertNoSpotLeft(t)
}

// assertSpotResources checks, while the build provisions, the instance,
// its Spot request, the fleet and the launch template as EC2 holds them,
// and the CreateFleet request moto does not keep.
func (e *spotEnv) assertSpotResources(t *testing.T) {
	ctx := context.Background()
	inst := e.buildInstance(t)
	uuid := "22222222-2222-3333-4444-555555555555"
	if inst.InstanceLifecycle != "spot" || (inst.InstanceType != "t3.micro" && inst.InstanceType != "t3a.micro") {
		t.Errorf("instance %s is %s %s: want a Spot t3.micro or t3a.micro", aws.ToString(inst.InstanceId), inst.InstanceLifecycle, inst.InstanceType)
	}
	assertTags(t, "instance", tagMap(inst.Tags), map[string]string{"Purpose": "bake ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301", BuildUUIDTagKey: uuid})
	reqs, err := e.ec2.DescribeSpotInstanceRequests(ctx, &ec2.DescribeSpotInstanceRequestsInput{})
	if err != nil || len(reqs.SpotInstanceRequests) != 1 || aws.ToString(reqs.SpotInstanceRequests[0].InstanceId) != aws.ToString(inst.InstanceId) {
		t.Fatalf("want the instance's one Spot request: %+v %v", reqs, err)
	}
	assertTags(t, "Spot request", tagMap(reqs.SpotInstanceRequests[0].Tags), map[string]string{"CostCenter": "ci", "Source": "ami-0a1b2c3d4e5f60002", BuildUUIDTagKey: uuid})
	fleets, err := e.ec2.DescribeFleets(ctx, &ec2.DescribeFleetsInput{})
	if err != nil || len(fleets.Fleets) != 1 || fleets.Fleets[0].Type != "instant" {
		t.Fatalf("want one instant fleet: %+v %v", fleets, err)
	}
	assertTags(t, "fleet", tagMap(fleets.Fleets[0].Tags), map[string]string{"Team": "images", BuildUUIDTagKey: uuid})
	lts, err := e.ec2.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{})
	if err != nil || len(lts.LaunchTemplates) != 1 {
		t.Fatalf("want one launch template: %+v %v", lts, err)
	}
	assertTags(t, "launch template", tagMap(lts.LaunchTemplates[0].Tags), map[string]string{"CostCenter": "ci", BuildUUIDTagKey: uuid})
	p := e.proxy.Requests("CreateFleet")[0].Params
	for k, want := range map[string]string{"Type": "instant", "TargetCapacitySpecification.TotalTargetCapacity": "1",
		"TargetCapacitySpecification.DefaultTargetCapacityType": "spot", "SpotOptions.AllocationStrategy": "price-capacity-optimized",
		"LaunchTemplateConfigs.1.Overrides.1.InstanceType": "t3.micro", "LaunchTemplateConfigs.1.Overrides.2.InstanceType": "t3a.micro",
		"LaunchTemplateConfigs.1.Overrides.1.SubnetId": aws.ToString(inst.SubnetId), "LaunchTemplateConfigs.1.Overrides.1.MaxPrice": ""} {
		if got := p.Get(k); got != want {
			t.Errorf("CreateFleet %s = %q, want %q", k, got, want)
		}
	}
}

// TestSpotBuildWithoutCapacityFailsClearlyAndLeavesNothing: every attempt
// gets InsufficientInstanceCapacity; the build fails naming it and what to
// try, and deletes each fleet and the launch template.
func TestSpotBuildWithoutCapacityFailsClearlyAndLeavesNothing(t *testing.T) {
	e := newSpotEnv(t)
	ice := "InsufficientInstanceCapacity"
	e.proxy.SetFaults(ec2test.Faults{FleetErrors: []string{ice, ice, ice, ice}})
	_, err, out := e.run(t, context.Background(), e.spotTemplate(nil), &runHook{})
	if err == nil {
		t.Fatalf("build succeeded without capacity\n%s", out)
	}
	for _, w := range []string{"EC2 launched no Spot Instance of t3.micro, t3a.micro in subnet", "(4 attempts)",
		"t3.micro: InsufficientInstanceCapacity", "t3a.micro: InsufficientInstanceCapacity", "list more spot_instance_types", "remove spot_price"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if n := len(e.proxy.Requests("CreateFleet")); n != 4 {
		t.Errorf("%d CreateFleet calls, want 4 (3 retries)", n)
	}
	e.assertNoSpotLeft(t)
}

// TestSpotBuildSucceedsWhenCapacityComesBack: no capacity at first, then an
// instance; the build succeeds and both fleets are deleted.
func TestSpotBuildSucceedsWhenCapacityComesBack(t *testing.T) {
	e := newSpotEnv(t)
	e.proxy.SetFaults(ec2test.Faults{FleetErrors: []string{"UnfulfillableCapacity"}})
	if _, err, out := e.run(t, context.Background(), e.spotTemplate(nil), &runHook{}); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if n := len(e.proxy.Requests("CreateFleet")); n != 2 {
		t.Errorf("%d CreateFleet calls, want 2", n)
	}
	e.assertNoSpotLeft(t)
}

// TestSpotBuildInterruptedFailsClearlyAndLeavesNothing: EC2 takes the Spot
// Instance back while it boots, gives the interruption notice while it is
// provisioned (SSH then breaks), or takes it back after provisioning (the
// image cannot be made); each time the error says EC2 interrupted the
// instance and what to try, and nothing is left.
func TestSpotBuildInterruptedFailsClearlyAndLeavesNothing(t *testing.T) {
	e := newSpotEnv(t)
	// Set during the build, they apply at once to an instance launched
	// before.
	interrupt := ec2test.Faults{InterruptSpotAfter: time.Nanosecond}
	notice := ec2test.Faults{InterruptSpotAfter: time.Nanosecond, SpotNoticeFor: time.Hour}
	cases := []struct {
		name   string
		before ec2test.Faults
		during *ec2test.Faults
		fail   bool
		want   string
	}{
		{"while booting", interrupt, nil, false, "Server.SpotInstanceTermination"},
		{"notice while provisioning", ec2test.Faults{}, &notice, true, "marked-for-termination"},
		{"after provisioning", ec2test.Faults{}, &interrupt, false, "instance-terminated-no-capacity"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.reset(t)
			e.proxy.SetFaults(tc.before)
			hook := &runHook{fail: func() error {
				if tc.during != nil {
					e.proxy.SetFaults(*tc.during)
				}
				if tc.fail {
					return errors.New("ssh: connection lost")
				}
				return nil
			}}
			_, err, out := e.run(t, context.Background(), e.spotTemplate(nil), hook)
			if err == nil || !strings.Contains(err.Error(), "EC2 interrupted the Spot Instance") ||
				!strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "remove spot_price") {
				t.Fatalf("err = %v, want an interruption naming %s\n%s", err, tc.want, out)
			}
			e.assertNoSpotLeft(t)
		})
	}
}

// TestSpotBuildFailedOrCancelledLeavesNothing: a failing provisioner (the
// error stays the provisioner's: no interruption) and a Ctrl-C while the
// Spot Instance boots both end with nothing left.
func TestSpotBuildFailedOrCancelledLeavesNothing(t *testing.T) {
	e := newSpotEnv(t)
	t.Run("provisioner fails", func(t *testing.T) {
		e.reset(t)
		_, err, out := e.run(t, context.Background(), e.spotTemplate(nil), &runHook{commands: []string{"exit 3"}})
		if err == nil || strings.Contains(err.Error(), "interrupted") {
			t.Fatalf("err = %v, want the provisioner's failure\n%s", err, out)
		}
		e.assertNoSpotLeft(t)
	})
	t.Run("cancelled while the instance boots", func(t *testing.T) {
		e.reset(t)
		e.proxy.SetFaults(ec2test.Faults{InstancesPendingFor: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			for len(e.proxy.Requests("CreateFleet")) == 0 || len(e.proxy.Requests("DescribeInstances")) < 2 {
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
		}()
		art, err, out := e.run(t, ctx, e.spotTemplate(nil), &runHook{})
		if err == nil || art != nil || !strings.Contains(out, "to be running") {
			t.Fatalf("cancelled build: artifact %v, err %v\n%s", art, err, out)
		}
		e.proxy.SetFaults(ec2test.Faults{})
		e.assertNoSpotLeft(t)
	})
}

// TestSpotBuildLaunchTemplateHoldsEveryLaunchOption: the launch options of
// the template reach the Spot Instance's launch template as EC2 (moto)
// stores it: image, key pair, volumes, IMDS options, user data, instance
// profile, shutdown behaviour, network interface with the temporary group
// and public IP, and run_tags on instance, volumes and interface. (moto's
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
	})
	hook := &runHook{fail: func() error {
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
		for _, rt := range []string{"instance", "volume", "network-interface"} {
			var tags map[string]string
			for _, ts := range d.TagSpecifications {
				if string(ts.ResourceType) == rt {
					tags = tagMap(ts.Tags)
				}
			}
			assertTags(t, rt, tags, map[string]string{"Purpose": "bake ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301"})
		}
		return nil
	}}
	if _, err, out := e.run(t, context.Background(), raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if p := e.proxy.Requests("CreateFleet")[0].Params; p.Get("LaunchTemplateConfigs.1.Overrides.1.SubnetId") != "" {
		t.Errorf("subnet named in the overrides too: EC2 Fleet would then ignore the template's interface (%v)", p)
	}
	e.assertNoSpotLeft(t)
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
