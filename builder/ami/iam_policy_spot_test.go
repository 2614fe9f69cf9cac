package ami

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"
)

// TestIAMPolicyForSpotCoversItsCalls: docs/iam-policy-spot.json grants
// every EC2 call a Spot launch makes beyond what an on-demand launch makes
// (the calls of buildInstanceEC2: waiting, terminating, deleting volumes).
// The instance itself needs the plain build's ec2:RunInstances and
// ec2:CreateTags: an instant fleet launches it with its caller's
// permissions, tagging the template, fleet, Spot request and instance at
// creation.
func TestIAMPolicyForSpotCoversItsCalls(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "docs", "iam-policy-spot.json"))
	if err != nil {
		t.Fatal(err)
	}
	var policy struct{ Statement []struct{ Action []string } }
	if err := json.Unmarshal(b, &policy); err != nil {
		t.Fatalf("docs/iam-policy-spot.json: %v", err)
	}
	var granted []string
	for _, s := range policy.Statement {
		granted = append(granted, s.Action...)
	}
	shared := reflect.TypeFor[buildInstanceEC2]()
	spot := reflect.TypeFor[runSpotInstanceEC2]()
	for i := range spot.NumMethod() {
		m := spot.Method(i).Name
		if _, ok := shared.MethodByName(m); !ok && !slices.Contains(granted, "ec2:"+m) {
			t.Errorf("docs/iam-policy-spot.json does not grant ec2:%s", m)
		}
	}
}
