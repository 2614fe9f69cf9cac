package tfvars

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// TestPostProcessRegistersTheGeneratedSecrets: besides not logging them,
// the post-processor registers the generated data's secrets with the log
// filter of its process, so a line that quotes one anyway (the SDK's, a
// later change's) shows <sensitive> instead. The secrets are this test's
// own: no other test registers them.
func TestPostProcessRegistersTheGeneratedSecrets(t *testing.T) {
	secrets := map[string]string{"SSHPrivateKey": "-----BEGIN OPENSSH PRIVATE KEY-----\nRegisteredKeyLineOne\nRegisteredKeyLineTwo\n-----END OPENSSH PRIVATE KEY-----\n",
		"Password": "registered-password", "WinRMPassword": "registered-winrm-password"}
	pp := configure(t, map[string]interface{}{"path": filepath.Join(t.TempDir(), "terraform.tfvars")})
	a := newArtifact()
	gd := map[string]interface{}{"BuildRegion": "us-west-2"}
	for k, v := range secrets {
		gd[k] = v
	}
	a.generated = gd
	if _, _, _, err := pp.PostProcess(context.Background(), packersdk.TestUi(t), a); err != nil {
		t.Fatal(err)
	}
	line := "a log line quoting RegisteredKeyLineTwo, registered-password and registered-winrm-password"
	if got := packersdk.LogSecretFilter.FilterString(line); strings.Contains(got, "Registered") || strings.Contains(got, "registered-") {
		t.Errorf("the log filter lets through %q", got)
	}
}
