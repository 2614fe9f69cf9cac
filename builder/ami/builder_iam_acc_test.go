//go:build acc

package ami

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// createInstanceProfile makes an IAM instance profile with a raw Query
// call (the module has no IAM client; moto does not check signatures)
// through the strict proxy, so RunInstances refuses it for a moment, as
// EC2 refuses a new profile.
func (e *buildEnv) createInstanceProfile(t *testing.T, name string) {
	t.Helper()
	body := url.Values{"Action": {"CreateInstanceProfile"}, "Version": {"2010-05-08"}, "InstanceProfileName": {name}}
	req, _ := http.NewRequest(http.MethodPost, e.proxy.URL, strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("CreateInstanceProfile: HTTP %d %s", resp.StatusCode, b)
	}
}

// TestIAMInstanceProfile: the build instance runs with the named profile,
// created moments before the build (EC2 refuses it at first: retried).
func TestIAMInstanceProfile(t *testing.T) {
	e := newBuildEnv(t)
	// EC2 refuses the profile for 8 s here: the build reaches RunInstances
	// within that (the strict preset's second would be over by then).
	e.proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{NewProfileRefusedFor: 8 * time.Second}))
	e.createInstanceProfile(t, "image-builder")
	hook := &runHook{fail: func() error {
		p := e.buildInstance(t).IamInstanceProfile
		if p == nil || !strings.HasSuffix(aws.ToString(p.Arn), "instance-profile/image-builder") {
			t.Errorf("instance profile %+v, want image-builder", p)
		}
		return nil
	}}
	if _, err, out := e.run(t, context.Background(), e.template(map[string]any{"iam_instance_profile": "image-builder"}), hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if runs := e.proxy.Requests("RunInstances"); len(runs) < 2 {
		t.Errorf("%d RunInstances calls: the new profile was not refused at first, or not retried", len(runs))
	}
	e.assertNothingLeft(t)
}
