//go:build acc

package ami

import (
	"context"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// TestEachCreateFailingForGoodLeavesNothing: one call fails for good (the
// error EC2 really gives for it); the build stops with that error, saying
// what it was doing, and nothing of it is left in any region, AMIs and
// encrypted copies included.
func TestEachCreateFailingForGoodLeavesNothing(t *testing.T) {
	for _, tc := range []struct {
		action, code, says string
		opts               map[string]any
	}{
		{"ImportKeyPair", "InvalidKeyPair.Format", "importing temporary key pair", nil},
		{"CreateSecurityGroup", "SecurityGroupLimitExceeded", "creating temporary security group", nil},
		{"RunInstances", "InsufficientInstanceCapacity", "no capacity for instance_type t2.micro", nil},
		{"StopInstances", "UnsupportedOperation", "stopping instance", nil},
		{"CreateImage", "InvalidParameterValue", "creating AMI", nil},
		{"CopyImage", "InvalidParameterValue", "copying AMI", nil},
		{"CopyImage", "UnauthorizedOperation", "copying AMI ami-", map[string]any{"encrypt_boot": true, "ami_regions": []string{}}},
		{"ModifyImageAttribute", "InvalidAMIAttributeItemValue", "setting imds_support", nil},
		{"CreateTags", "TagLimitExceeded", "tagging AMI", map[string]any{"encrypt_boot": true}},
	} {
		t.Run(tc.action+" "+tc.code, func(t *testing.T) {
			opts := map[string]any{"max_retries": 1} // a 500 is retried by the SDK: keep it short
			for k, v := range tc.opts {
				opts[k] = v
			}
			w := newWholeBuild(t, opts)
			f := ec2test.Quirks() // no random throttling with max_retries = 1
			f.Fail = map[string]string{tc.action: tc.code}
			w.proxy.SetFaults(f)
			w.run(t, context.Background())
			err := w.failed()
			if err == nil || !strings.Contains(err.Error(), tc.code) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("build error %v, want %s saying %q\n%s", err, tc.code, tc.says, w.out)
			}
			if strings.Contains(w.out.String(), "could not delete") || strings.Contains(w.out.String(), "Removing stray") {
				t.Errorf("cleanup failed, or a step did not remove what it made (the sweep had to):\n%s", w.out)
			}
			w.assertNothingLeft(t, allRegions...)
			w.assertNoTemporaries(t)
		})
	}
}

// TestEncryptedImageOutlivesALeftoverIntermediate: with encrypt_boot, the
// unencrypted intermediate cannot be removed (DeregisterImage fails for
// good, as under an account's deregistration protection); the encrypted
// image is finished and stays the build's result, and the leftover is
// named with the command to remove it.
func TestEncryptedImageOutlivesALeftoverIntermediate(t *testing.T) {
	w := newWholeBuild(t, map[string]any{"encrypt_boot": true, "ami_regions": []string{}})
	f := ec2test.Quirks()
	f.Fail = map[string]string{"DeregisterImage": "OperationNotPermitted"}
	w.proxy.SetFaults(f)
	w.run(t, context.Background())
	if err := w.failed(); err != nil {
		t.Fatalf("build failed over its intermediate: %v\n%s", err, w.out)
	}
	amis, _ := stateGet[map[string]string](w.state, stateAMIs)
	encrypted := amis[ec2test.DefaultRegion]
	if len(w.ownImages(t, ec2test.DefaultRegion)) != 2 || encrypted == "" {
		t.Fatalf("want the encrypted AMI and the leftover intermediate, got %v (result %s)", w.ownImageIDs(t, ec2test.DefaultRegion), encrypted)
	}
	if !strings.Contains(w.out.String(), "could not delete the unencrypted intermediate AMI") ||
		!strings.Contains(w.out.String(), "aws ec2 deregister-image --region us-east-1") {
		t.Errorf("the leftover intermediate is not named with its command:\n%s", w.out)
	}
}
