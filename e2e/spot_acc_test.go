//go:build acc

package e2e

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// TestSpotBake bakes the project's image on a Spot Instance in the local
// cloud — images/image.pkr.hcl with instance_type replaced by
// spot_price = "auto" and two spot_instance_types — and deploys it: the
// build instance came from an instant fleet and really ran the
// provisioner (its image serves the web app), and the build left no
// launch template, fleet, Spot request, instance, key pair or group.
func TestSpotBake(t *testing.T) {
	repo := packertest.RepoRoot(t)
	requireRoot(t)
	p := setUp(t, repo, workDir(t))
	replaceInFile(t, filepath.Join(p.dir, "images", "image.pkr.hcl"), `instance_type = "t2.micro"`,
		`spot_price          = "auto"
  spot_instance_types = ["t3.micro", "t2.micro"]
  spot_tags           = { Purpose = "spot bake" }`)
	v0 := p.readTfvars(t)
	p.bake(t, "spot")
	ami := p.checkBake(t, v0, p.readTfvars(t))
	p.checkSpotBuild(t)

	p.terraform(t, "init", "init", "-input=false", "-no-color")
	p.terraform(t, "apply", "apply", "-auto-approve", "-input=false", "-no-color")
	web := p.outputs(t)
	p.checkInstance(t, web, ami)
	p.checkPage(t, web, "1")
	p.checkNothingLeft(t, web.InstanceID, ami)
}

// checkSpotBuild asserts that the build's instance was a Spot Instance of
// a listed type, now terminated, and that nothing of the Spot launch is
// left: no launch template, no fleet that is not deleted, no Spot request
// that could still launch.
func (p *project) checkSpotBuild(t *testing.T) {
	t.Helper()
	client := p.cloud.EC2()
	out, err := client.DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{})
	if err != nil || len(out.Reservations) != 1 {
		t.Fatalf("want the one build instance: %+v %v", out, err)
	}
	inst := out.Reservations[0].Instances[0]
	if inst.InstanceLifecycle != types.InstanceLifecycleTypeSpot || inst.State.Name != types.InstanceStateNameTerminated ||
		!slices.Contains([]types.InstanceType{"t3.micro", "t2.micro"}, inst.InstanceType) {
		t.Errorf("build instance %s: %s %s %s; want a terminated Spot t3.micro or t2.micro",
			aws.ToString(inst.InstanceId), inst.InstanceLifecycle, inst.InstanceType, inst.State.Name)
	}
	lts, err := client.DescribeLaunchTemplates(ctx(t), &ec2.DescribeLaunchTemplatesInput{})
	if err != nil || len(lts.LaunchTemplates) != 0 {
		t.Errorf("launch templates left: %+v %v", lts, err)
	}
	fleets, err := client.DescribeFleets(ctx(t), &ec2.DescribeFleetsInput{})
	if err != nil || len(fleets.Fleets) != 1 || fleets.Fleets[0].FleetState != types.FleetStateCodeDeletedTerminatingInstances {
		t.Errorf("want the one fleet deleted: %+v %v", fleets, err)
	}
	reqs, err := client.DescribeSpotInstanceRequests(ctx(t), &ec2.DescribeSpotInstanceRequestsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs.SpotInstanceRequests {
		if r.State == types.SpotInstanceStateOpen || r.State == types.SpotInstanceStateActive {
			t.Errorf("Spot request %s left %s", aws.ToString(r.SpotInstanceRequestId), r.State)
		}
	}
}
