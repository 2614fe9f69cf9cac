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

// TestIAMPolicyForOptionsCoversTheirCalls: docs/iam-policy-options.json
// grants every EC2 call the steps of the amazon-ebs options make beyond a
// plain build (their narrow interfaces, less the DescribeImages every image
// step shares), and the STS calls of assume_role and
// decode_authorization_messages. sts:GetCallerIdentity needs no permission.
func TestIAMPolicyForOptionsCoversTheirCalls(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "docs", "iam-policy-options.json"))
	if err != nil {
		t.Fatal(err)
	}
	var policy struct{ Statement []struct{ Action []string } }
	if err := json.Unmarshal(b, &policy); err != nil {
		t.Fatalf("docs/iam-policy-options.json: %v", err)
	}
	var granted []string
	for _, s := range policy.Statement {
		granted = append(granted, s.Action...)
	}
	want := []string{"sts:AssumeRole", "sts:DecodeAuthorizationMessage"}
	for _, iface := range []reflect.Type{
		reflect.TypeFor[modifyInstanceEC2](), reflect.TypeFor[shareSnapshotsEC2](), reflect.TypeFor[protectImagesEC2](),
	} {
		for i := range iface.NumMethod() {
			if m := iface.Method(i).Name; m != "DescribeImages" {
				want = append(want, "ec2:"+m)
			}
		}
	}
	for _, action := range want {
		if !slices.Contains(granted, action) {
			t.Errorf("docs/iam-policy-options.json does not grant %s", action)
		}
	}
}
