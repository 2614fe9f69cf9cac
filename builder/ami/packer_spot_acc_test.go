//go:build acc

package ami

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// spotHCL is an amazon-ebs style Spot template, HCL2 with the singular tag
// blocks amazon-ebs documents, against moto and the test SSH server.
const spotHCL = `
source "immutable-ami" "spot" {
  region              = "us-east-1"
  spot_price          = "auto"
  spot_instance_types = ["t3.micro", "t3a.micro"]
  spot_allocation_strategy = "capacity-optimized-prioritized"
  spot_tags = { CostCenter = "ci" }
  spot_tag {
    key   = "Source"
    value = "{{ .SourceAMI }}"
  }
  fleet_tag {
    key   = "Team"
    value = "images"
  }
  ami_name     = "spot-{{ timestamp }}"
  source_ami   = "ami-0a1b2c3d4e5f60002"
  ssh_username = "ubuntu"
  ssh_host     = "127.0.0.1"
  ssh_port     = PORT
  temporary_security_group_source_cidrs = ["127.0.0.1/32"]
}
build { sources = ["source.immutable-ami.spot"] }
`

// TestPackerSpotBuild runs the real packer and plugin on an HCL2 Spot
// template: the spot_tag and fleet_tag blocks decode, the fleet gets the
// strategy with the types' priorities, the build makes its AMI and leaves
// no launch template, fleet or Spot request.
func TestPackerSpotBuild(t *testing.T) {
	e := newSpotEnv(t)
	e.proxy.SetFaults(ec2test.Faults{}) // counts fleets by their calls: a retried DeleteFleets would count twice
	p := startPacker(t, e.proxy.Env(), strings.Replace(spotHCL, "PORT", strconv.Itoa(e.ssh.Port), 1))
	if err := p.wait(t); err != nil {
		t.Fatalf("packer build: %v\n%s", err, p.out.String())
	}
	if imgs := e.images(t); len(imgs) != 1 {
		t.Fatalf("%d AMIs, want 1\n%s", len(imgs), p.out.String())
	}
	lt := e.proxy.Requests("CreateLaunchTemplate")[0].Params
	fleet := e.proxy.Requests("CreateFleet")[0].Params
	for k, want := range map[string]string{
		"SpotOptions.AllocationStrategy":                   "capacity-optimized-prioritized",
		"LaunchTemplateConfigs.1.Overrides.1.Priority":     "0",
		"LaunchTemplateConfigs.1.Overrides.2.Priority":     "1",
		"LaunchTemplateConfigs.1.Overrides.2.InstanceType": "t3a.micro",
	} {
		if got := fleet.Get(k); got != want {
			t.Errorf("CreateFleet %s = %q, want %q", k, got, want)
		}
	}
	assertTags(t, "fleet", queryTags(fleet, "TagSpecification", "fleet"), map[string]string{"Team": "images"})
	assertTags(t, "Spot request", queryTags(lt, "LaunchTemplateData.TagSpecification", "spot-instances-request"),
		map[string]string{"CostCenter": "ci", "Source": "ami-0a1b2c3d4e5f60002"})
	e.assertNoSpotLeft(t)
	out, err := e.ec2.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{})
	if err != nil || len(out.Reservations) != 1 || out.Reservations[0].Instances[0].InstanceLifecycle != "spot" {
		t.Errorf("want one (terminated) Spot Instance: %+v %v", out, err)
	}
}
