//go:build acc

package ami

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// launchParams runs a build with extra options behind the recording proxy,
// checks the running instance with during, and returns the RunInstances
// request the builder sent.
func launchParams(t *testing.T, e *buildEnv, extra map[string]any, during func(ec2types.Instance)) ec2test.Request {
	t.Helper()
	proxy := ec2test.StartProxy(t, e.moto)
	proxy.SetEnv(t)
	hook := &runHook{fail: func() error {
		// A t.Fatal in during ends only its goroutine: the build goes on
		// (and the test fails) instead of hanging.
		done := make(chan struct{})
		go func() { defer close(done); during(e.buildInstance(t)) }()
		<-done
		return nil
	}}
	if _, err, out := e.run(t, context.Background(), e.template(extra), hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	e.assertNothingLeft(t)
	runs := proxy.Requests("RunInstances")
	if len(runs) != 1 {
		t.Fatalf("RunInstances calls: %d", len(runs))
	}
	return runs[0]
}

// wantParams checks request parameters ("" means absent).
func wantParams(t *testing.T, what string, r ec2test.Request, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := r.Params.Get(k); got != v {
			t.Errorf("%s %s = %q, want %q", what, k, got, v)
		}
	}
}

// TestPlacementBillingAndVolumeOptionsReachTheInstance: availability_zone,
// ebs_optimized, security_group_id, run_tag blocks and run_volume_tags
// are what moto shows on the running instance and its volume; tenancy,
// unlimited credits, the capacity reservation, licenses and no_ephemeral's
// suppressed devices, which moto does not model, are in the RunInstances
// request.
func TestPlacementBillingAndVolumeOptionsReachTheInstance(t *testing.T) {
	e := newBuildEnv(t)
	var group string
	extra := map[string]any{
		"instance_type": "t3.micro", "availability_zone": "us-east-1b", "ebs_optimized": true,
		"placement": map[string]any{"tenancy": "dedicated"}, "enable_unlimited_credits": true,
		"capacity_reservation_id": "cr-0123456789abcdef0", "no_ephemeral": true,
		// moto creates no root volume once any mapping is given (EC2 keeps
		// the image's): map it, as templates that size it do.
		"launch_block_device_mappings": []map[string]any{{"device_name": "/dev/sda1", "volume_size": 10, "volume_type": "gp3"}},
		"license_specifications": []map[string]any{{"license_configuration_request": map[string]any{
			"license_configuration_arn": "arn:aws:license-manager:us-east-1:123456789012:license-configuration:lic-0a1b"}}},
		"run_tag":                               []map[string]any{{"key": "Purpose", "value": "from the block"}},
		"run_volume_tags":                       map[string]string{"CostCenter": "images"},
		"run_volume_tag":                        []map[string]any{{"name": "Team", "value": "{{ .SourceAMIName }}"}},
		"temporary_security_group_source_cidrs": nil,
	}
	run := launchParams(t, e, withGroup(t, e, extra, &group), func(inst ec2types.Instance) {
		if z := aws.ToString(inst.Placement.AvailabilityZone); z != "us-east-1b" || !aws.ToBool(inst.EbsOptimized) {
			t.Errorf("instance in %s, EBS-optimized %v: want us-east-1b, true", z, aws.ToBool(inst.EbsOptimized))
		}
		if len(inst.SecurityGroups) != 1 || aws.ToString(inst.SecurityGroups[0].GroupId) != group {
			t.Errorf("instance groups %+v, want only security_group_id %s", inst.SecurityGroups, group)
		}
		if p := tagMap(inst.Tags)["Purpose"]; p != "from the block" {
			t.Errorf("instance tag Purpose = %q: a run_tag block wins over run_tags", p)
		}
		e.assertVolumeTags(t, inst)
	})
	wantParams(t, "RunInstances", run, map[string]string{
		"Placement.AvailabilityZone": "us-east-1b", "Placement.Tenancy": "dedicated", "EbsOptimized": "true",
		"CreditSpecification.CpuCredits": "unlimited",
		"CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId": "cr-0123456789abcdef0",
		"CapacityReservationSpecification.CapacityReservationPreference":                   "",
		"LicenseSpecification.1.LicenseConfigurationArn":                                   "arn:aws:license-manager:us-east-1:123456789012:license-configuration:lic-0a1b",
		"EnclaveOptions.Enabled": "",
	})
	suppressed := 0
	for i := 1; run.Params.Get(fmt.Sprintf("BlockDeviceMapping.%d.DeviceName", i)) != ""; i++ {
		name := run.Params.Get(fmt.Sprintf("BlockDeviceMapping.%d.DeviceName", i))
		if strings.HasPrefix(name, "xvdc") && run.Params.Has(fmt.Sprintf("BlockDeviceMapping.%d.NoDevice", i)) {
			suppressed++
		}
	}
	if suppressed != 26 {
		t.Errorf("no_ephemeral suppressed %d of the 26 devices xvdca-xvdcz", suppressed)
	}
}

// TestNitroHostPlacementAndDefaultCredits: enable_nitro_enclave, a host
// resource group and capacity_reservation_preference reach RunInstances;
// a burstable type gets standard credits and no reservation unless asked,
// as in amazon-ebs.
func TestNitroHostPlacementAndDefaultCredits(t *testing.T) {
	e := newBuildEnv(t)
	run := launchParams(t, e, map[string]any{
		"instance_type": "m5.xlarge", "enable_nitro_enclave": true, "capacity_reservation_preference": "open",
		"placement": map[string]any{"tenancy": "host", "host_resource_group_arn": "arn:aws:resource-groups:us-east-1:123456789012:group/hosts"},
	}, func(ec2types.Instance) {})
	wantParams(t, "RunInstances", run, map[string]string{
		"EnclaveOptions.Enabled": "true", "Placement.Tenancy": "host", "CreditSpecification.CpuCredits": "",
		"Placement.HostResourceGroupArn":                                 "arn:aws:resource-groups:us-east-1:123456789012:group/hosts",
		"CapacityReservationSpecification.CapacityReservationPreference": "open",
	})
	e.moto.Reset(t)
	run = launchParams(t, e, nil, func(ec2types.Instance) {})
	wantParams(t, "RunInstances (defaults)", run, map[string]string{
		"CreditSpecification.CpuCredits": "standard", "CapacityReservationSpecification.CapacityReservationPreference": "none",
		"EbsOptimized": "", "EnclaveOptions.Enabled": "", "Placement.Tenancy": "", "Placement.AvailabilityZone": "",
	})
}

// withGroup makes a security group in the default VPC and names it in
// extra's security_group_id.
func withGroup(t *testing.T, e *buildEnv, extra map[string]any, id *string) map[string]any {
	t.Helper()
	*id = e.makeGroup(t, e.defaultVPC(t), nil)
	extra["security_group_id"] = *id
	return extra
}

// instanceVolumes are the EBS volumes attached to inst.
func (e *buildEnv) instanceVolumes(t *testing.T, inst ec2types.Instance) []ec2types.Volume {
	t.Helper()
	out, err := e.ec2.DescribeVolumes(context.Background(), &ec2.DescribeVolumesInput{Filters: []ec2types.Filter{
		{Name: aws.String("attachment.instance-id"), Values: []string{aws.ToString(inst.InstanceId)}}}})
	if err != nil || len(out.Volumes) == 0 {
		t.Fatalf("volumes of %s: %v %v", aws.ToString(inst.InstanceId), out, err)
	}
	return out.Volumes
}

// assertVolumeTags: the instance's volumes carry run_volume_tags (rendered)
// and the build UUID, not run_tags.
func (e *buildEnv) assertVolumeTags(t *testing.T, inst ec2types.Instance) {
	t.Helper()
	want := map[string]string{"CostCenter": "images", "Team": "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301"}
	for _, v := range e.instanceVolumes(t, inst) {
		assertTags(t, "volume "+aws.ToString(v.VolumeId), tagMap(v.Tags), want)
		if _, ok := tagMap(v.Tags)["Purpose"]; ok || tagMap(v.Tags)[BuildUUIDTagKey] == "" {
			t.Errorf("volume tags %v: run_tags stay on the instance, the build UUID goes everywhere", tagMap(v.Tags))
		}
	}
}

// TestRunTagsTagTheTemporaryKeyPairAndGroup: as in amazon-ebs, run_tags
// (rendered) tag the temporary key pair and security group too, over the
// build's own tags, which they cannot drop.
func TestRunTagsTagTheTemporaryKeyPairAndGroup(t *testing.T) {
	e := newBuildEnv(t)
	want := map[string]string{"Purpose": "bake ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301", "Name": "Packer Builder"}
	hook := &runHook{fail: func() error {
		ctx := context.Background()
		keys, err := e.ec2.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{})
		if err != nil || len(keys.KeyPairs) != 1 {
			t.Fatalf("key pairs %v %v", keys, err)
		}
		groups, err := e.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
			{Name: aws.String("tag-key"), Values: []string{BuildUUIDTagKey}}}})
		if err != nil || len(groups.SecurityGroups) != 1 {
			t.Fatalf("temporary groups %v %v", groups, err)
		}
		for what, tags := range map[string]map[string]string{"key pair": tagMap(keys.KeyPairs[0].Tags), "group": tagMap(groups.SecurityGroups[0].Tags)} {
			assertTags(t, what, tags, want)
			if id := tags[BuildUUIDTagKey]; id == "" || id == "spoofed" {
				t.Errorf("%s lost the build UUID: %v", what, tags)
			}
		}
		return nil
	}}
	raw := e.template(map[string]any{"run_tags": map[string]string{"Purpose": "bake {{ .SourceAMIName }}", BuildUUIDTagKey: "spoofed"}})
	if _, err, out := e.run(t, context.Background(), raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	e.assertNothingLeft(t)
}
