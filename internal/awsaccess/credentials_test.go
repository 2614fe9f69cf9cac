package awsaccess

import (
	"context"
	"strings"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// The credentials the builder uses are masked in its logs once the SDK
// has loaded them.
func TestCredentialsAreMaskedInLogs(t *testing.T) {
	const secret, token = "tEsTsEcReTkEy0123456789distinctvalue", "SeSsIoNtOkEn-distinct-0123456789"
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEYID")
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", token)
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	c := AccessConfig{RawRegion: "us-east-1"}
	cfg, err := c.AWSConfig(context.Background(), "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Credentials.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := packersdk.LogSecretFilter.FilterString("key " + secret + " token " + token); strings.Contains(got, secret) || strings.Contains(got, token) {
		t.Errorf("a log line with the credentials reads %q", got)
	}
}
