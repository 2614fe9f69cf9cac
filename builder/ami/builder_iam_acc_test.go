//go:build acc

package ami

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// createInstanceProfile makes an IAM instance profile in moto with a raw
// Query call (the module has no IAM client; moto does not check signatures).
func (e *buildEnv) createInstanceProfile(t *testing.T, name string) {
	t.Helper()
	body := url.Values{"Action": {"CreateInstanceProfile"}, "Version": {"2010-05-08"}, "InstanceProfileName": {name}}
	req, _ := http.NewRequest(http.MethodPost, e.moto.URL, strings.NewReader(body.Encode()))
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

// TestIAMInstanceProfile: the build instance runs with the named profile.
func TestIAMInstanceProfile(t *testing.T) {
	e := newBuildEnv(t)
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
	e.assertNothingLeft(t)
}
