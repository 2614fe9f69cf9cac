//go:build acc

package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloudtest"
)

// TestLocalCloudFleetInstances: an instance an instant EC2 Fleet launches
// boots like one from RunInstances, with the launch template's key pair
// and security groups (moto alone leaves it in the default group, which
// admits nothing from this machine): SSH reaches it through its gate; and
// deleting the fleet with its instances stops it, as on EC2.
func TestLocalCloudFleetInstances(t *testing.T) {
	requireRoot(t)
	work := t.TempDir()
	logDir = work
	c := localcloudtest.Start(t, work+"/cloud")
	key := sshKey(t, work, "fleet")
	c.ImportKey(t, "fleet", key+".pub")
	group := c.OpenGroup(t, "ssh", "127.0.0.1/32", 22)
	client := c.EC2()
	lt, err := client.CreateLaunchTemplate(localcloudtest.Ctx(t), &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("fleet"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String(localcloudtest.BaseImage), KeyName: aws.String("fleet"),
			SecurityGroupIds: []string{group}}})
	if err != nil {
		t.Fatal(err)
	}
	fleet, err := client.CreateFleet(localcloudtest.Ctx(t), &ec2.CreateFleetInput{Type: types.FleetTypeInstant,
		TargetCapacitySpecification: &types.TargetCapacitySpecificationRequest{TotalTargetCapacity: aws.Int32(1), DefaultTargetCapacityType: "spot"},
		LaunchTemplateConfigs: []types.FleetLaunchTemplateConfigRequest{{Overrides: []types.FleetLaunchTemplateOverridesRequest{{InstanceType: "t3.micro"}},
			LaunchTemplateSpecification: &types.FleetLaunchTemplateSpecificationRequest{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: aws.String("1")}}}})
	if err != nil || len(fleet.Instances) != 1 {
		t.Fatalf("CreateFleet: %+v %v", fleet, err)
	}
	id := fleet.Instances[0].InstanceIds[0]
	c.WaitState(t, id, types.InstanceStateNameRunning)
	in := c.Instance(t, id)
	if out, err := sshRun(c, in, key, "ubuntu", "hostname"); err != nil || strings.TrimSpace(out) != in.Hostname {
		t.Fatalf("ssh to the fleet's instance %s: %v %q", id, err, out)
	}
	if _, err := client.DeleteFleets(localcloudtest.Ctx(t), &ec2.DeleteFleetsInput{FleetIds: []string{aws.ToString(fleet.FleetId)},
		TerminateInstances: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	c.WaitState(t, id, types.InstanceStateNameTerminated)
	if _, err := sshRun(c, in, key, "ubuntu", "true"); err == nil {
		t.Errorf("the terminated fleet instance %s still answers SSH", id)
	}
}
