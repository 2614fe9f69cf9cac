package ami

import (
	"reflect"
	"slices"
	"testing"
)

// TestIAMPolicySpotStatement: the SpotInstances statement of
// docs/iam-policy.json grants every EC2 call a Spot launch makes beyond
// what an on-demand launch makes (the calls of buildInstanceEC2: waiting,
// terminating, deleting volumes), its dry runs and its sweep, so a plain
// build's policy plus it is a Spot build's. The instance itself needs the plain build's
// ec2:RunInstances and ec2:CreateTags: an instant fleet launches it with
// its caller's permissions, tagging the template, fleet, Spot request and
// instance at creation.
func TestIAMPolicySpotStatement(t *testing.T) {
	var granted []string
	for _, s := range readPolicy(t).Statement {
		if s.Sid == "SpotInstances" {
			granted = s.Action
		}
	}
	shared := reflect.TypeFor[buildInstanceEC2]()
	for _, spot := range []reflect.Type{reflect.TypeFor[runSpotInstanceEC2](), reflect.TypeFor[spotPermissionsEC2](), reflect.TypeFor[sweepSpotEC2]()} {
		for i := range spot.NumMethod() {
			m := spot.Method(i).Name
			if _, ok := shared.MethodByName(m); !ok && !slices.Contains(granted, "ec2:"+m) {
				t.Errorf("the SpotInstances statement of %s does not grant ec2:%s (%s)", iamPolicyFile, m, spot.Name())
			}
		}
	}
}
