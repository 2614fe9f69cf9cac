//go:build acc

package ami

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// spotEnv is buildEnv with the recording, fault-injecting proxy in front
// of moto: the builder talks to the proxy, assertions to moto.
type spotEnv struct {
	*buildEnv
	proxy *ec2test.Proxy
}

func newSpotEnv(t *testing.T) *spotEnv {
	t.Helper()
	e := newBuildEnv(t)
	p := ec2test.StartProxy(t, e.moto)
	p.SetEnv(t)
	// Capacity retries in milliseconds: the schedule is not what is tested.
	saved := defaultCapacityRetries
	defaultCapacityRetries = []time.Duration{time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond}
	t.Cleanup(func() { defaultCapacityRetries = saved })
	return &spotEnv{buildEnv: e, proxy: p}
}

// reset clears moto and what the proxy recorded and injects.
func (e *spotEnv) reset(t *testing.T) {
	e.moto.Reset(t)
	e.proxy.Reset()
	e.proxy.SetFaults(ec2test.Faults{})
}

// spotTemplate is the seed's template as a Spot build: "auto" price, two
// instance types, Spot and fleet tags (one as a block).
func (e *spotEnv) spotTemplate(extra map[string]any) map[string]any {
	raw := e.template(map[string]any{
		"spot_price":          "auto",
		"spot_instance_types": []string{"t3.micro", "t3a.micro"},
		"spot_tags":           map[string]string{"CostCenter": "ci", "Source": "{{ .SourceAMI }}"},
		"fleet_tag":           []map[string]string{{"key": "Team", "value": "images"}},
	})
	delete(raw, "instance_type")
	for k, v := range extra {
		raw[k] = v
	}
	return raw
}

// assertNoSpotLeft checks moto for launch templates, fleets that are not
// deleted and Spot requests that could still launch; the proxy for a
// DeleteFleets per fleet (those it answered itself exist only there); and
// everything buildEnv checks.
func (e *spotEnv) assertNoSpotLeft(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	lts, err := e.ec2.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{})
	if err != nil || len(lts.LaunchTemplates) != 0 {
		t.Errorf("launch templates left: %+v (%v)", lts, err)
	}
	fleets, err := e.ec2.DescribeFleets(ctx, &ec2.DescribeFleetsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fleets.Fleets {
		if !slices.Contains([]ec2types.FleetStateCode{"deleted", "deleted_running", "deleted_terminating"}, f.FleetState) {
			t.Errorf("fleet %s left %s", aws.ToString(f.FleetId), f.FleetState)
		}
	}
	// Spot requests as EC2 shows them: the proxy's interruptions close them
	// as EC2 does, which moto does not know.
	viaProxy := ec2.New(ec2.Options{Region: ec2test.DefaultRegion, BaseEndpoint: aws.String(e.proxy.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	reqs, err := viaProxy.DescribeSpotInstanceRequests(ctx, &ec2.DescribeSpotInstanceRequestsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs.SpotInstanceRequests {
		if pendingRequest(r.State) {
			t.Errorf("Spot request %s left %s", aws.ToString(r.SpotInstanceRequestId), r.State)
		}
	}
	// One fleet per client token: calls EC2 refused outright are asked
	// again with the same token.
	created, deleted := map[string]bool{}, map[string]bool{}
	for _, r := range e.proxy.Requests("CreateFleet") {
		created[r.Params.Get("ClientToken")] = true
	}
	for _, r := range e.proxy.Requests("DeleteFleets") {
		deleted[r.Params.Get("FleetId.1")] = r.Params.Get("TerminateInstances") == "true"
	}
	if len(deleted) != len(created) {
		t.Errorf("%d fleets created, %d deleted (with their instances)", len(created), len(deleted))
	}
	for id, terminate := range deleted {
		if !terminate {
			t.Errorf("fleet %s deleted without TerminateInstances", id)
		}
	}
	e.assertNothingLeft(t)
}

// queryTags reads the tags for resourceType from the tag specifications
// of a query request under prefix ("TagSpecification",
// "LaunchTemplateData.TagSpecification").
func queryTags(p url.Values, prefix, resourceType string) map[string]string {
	for i := 1; p.Get(fmt.Sprintf("%s.%d.ResourceType", prefix, i)) != ""; i++ {
		if p.Get(fmt.Sprintf("%s.%d.ResourceType", prefix, i)) != resourceType {
			continue
		}
		tags := map[string]string{}
		for j := 1; p.Get(fmt.Sprintf("%s.%d.Tag.%d.Key", prefix, i, j)) != ""; j++ {
			tags[p.Get(fmt.Sprintf("%s.%d.Tag.%d.Key", prefix, i, j))] = p.Get(fmt.Sprintf("%s.%d.Tag.%d.Value", prefix, i, j))
		}
		return tags
	}
	return nil
}
