//go:build acc

package ami

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
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
	if g := e.temporaryGroups(t)[0]; !slices.ContainsFunc(inst.SecurityGroups, func(x ec2types.GroupIdentifier) bool { return aws.ToString(x.GroupId) == g }) {
		t.Errorf("instance groups %+v: want the launch template's temporary group %s, as EC2 applies it", inst.SecurityGroups, g)
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
