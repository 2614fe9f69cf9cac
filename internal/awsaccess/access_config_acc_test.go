//go:build acc

package awsaccess

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// TestAccessConfigProfileAndEnvironment: profile selects credentials from
// the shared files, AWS_ENDPOINT_URL_EC2 wins over AWS_ENDPOINT_URL, and
// max_retries alone sets a call's attempts, all through the SDK's own
// loading: AWS_MAX_ATTEMPTS, which amazon-ebs users set large for waits,
// does not reach the SDK's retries.
func TestAccessConfigProfileAndEnvironment(t *testing.T) {
	m := ec2test.Start(t)
	dir := t.TempDir()
	creds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(creds, []byte("[builder]\naws_access_key_id = AKIDBUILDER\naws_secret_access_key = s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_SHARED_CREDENTIALS_FILE": creds, "AWS_CONFIG_FILE": os.DevNull,
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "",
		"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_EC2": m.URL,
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "720",
	} {
		t.Setenv(k, v)
	}
	c := AccessConfig{RawRegion: "us-east-1", Profile: "builder", MaxRetries: 2}
	if errs := c.Prepare(); len(errs) > 0 {
		t.Fatal(errs)
	}
	ctx := context.Background()
	cfg, err := c.AWSConfig(ctx, c.RawRegion)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := cfg.Credentials.Retrieve(ctx); err != nil || got.AccessKeyID != "AKIDBUILDER" {
		t.Errorf("credentials %q, %v: want the builder profile's", got.AccessKeyID, err)
	}
	client := ec2.NewFromConfig(cfg)
	if _, err := client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{}); err != nil {
		t.Errorf("AWS_ENDPOINT_URL_EC2 not used: %v", err)
	}
	if n := client.Options().Retryer.MaxAttempts(); n != 3 {
		t.Errorf("MaxAttempts = %d, want max_retries+1 = 3 whatever AWS_MAX_ATTEMPTS says", n)
	}
}
