//go:build acc

package ami

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
)

// fleetProfileLag is EC2's delay in seeing a new instance profile, for
// CreateFleet: for lag after an instance profile is made, CreateFleet is
// refused the way EC2 refuses a launch naming it.
type fleetProfileLag struct {
	lag     time.Duration
	mu      sync.Mutex
	created time.Time
}

func (p *fleetProfileLag) Before(c *ec2proxy.Call) *ec2proxy.Answer {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch c.Action {
	case "CreateInstanceProfile":
		p.created = time.Now()
	case "CreateFleet":
		if time.Since(p.created) < p.lag {
			return ec2proxy.ErrorAnswer(http.StatusBadRequest, "InvalidParameterValue",
				"Value (immutable-build-x) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name")
		}
	}
	return nil
}

func (p *fleetProfileLag) After(_ *ec2proxy.Call, body []byte) []byte { return body }

// TestSpotBuildWithTemporaryInstanceProfile: a Spot build with
// temporary_iam_instance_profile_policy_document launches from a template
// naming the profile made for the build, once EC2 accepts it, and leaves
// no role, profile, template, fleet or Spot request.
func TestSpotBuildWithTemporaryInstanceProfile(t *testing.T) {
	e := newSpotEnv(t)
	e.proxy.Use(&fleetProfileLag{lag: 2 * time.Second})
	raw := e.spotTemplate(map[string]any{"temporary_iam_instance_profile_policy_document": ssmCorePolicy})
	if _, err, out := e.run(t, context.Background(), raw, &runHook{}); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	lt := e.proxy.Requests("CreateLaunchTemplate")[0].Params
	if name := lt.Get("LaunchTemplateData.IamInstanceProfile.Name"); !strings.HasPrefix(name, "immutable-build-") {
		t.Errorf("launch template's instance profile %q, want the build's", name)
	}
	if n := len(e.proxy.Requests("CreateFleet")); n < 2 {
		t.Errorf("%d CreateFleet calls: the build never met EC2's refusal of the new profile", n)
	}
	assertNoIAMLeft(t, e.moto.IAM(t))
	e.assertNoSpotLeft(t)
}
