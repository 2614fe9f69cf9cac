package awsaccess

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// noAWSEnvironment empties what the SDK reads from the environment, so a
// test sees only what it sets.
func noAWSEnvironment(t *testing.T) {
	t.Helper()
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
}

func prepareErrors(c *AccessConfig) string {
	var msgs []string
	for _, e := range c.Prepare() {
		msgs = append(msgs, e.Error())
	}
	return strings.Join(msgs, "\n")
}

// TestAccessConfigPrepare: every bad input is an error naming the
// attribute and the fix; max_retries defaults to 10.
func TestAccessConfigPrepare(t *testing.T) {
	noAWSEnvironment(t)
	for name, tc := range map[string]struct {
		c    AccessConfig
		want []string
	}{
		"no region":           {AccessConfig{}, []string{"region is required: set region =", "AWS_REGION"}},
		"bad region":          {AccessConfig{RawRegion: "Europe"}, []string{`region "Europe" is not a region name`, "set region to", "eu-west-1", "skip_region_validation"}},
		"china region":        {AccessConfig{RawRegion: "cn-north-1"}, nil},
		"newer region":        {AccessConfig{RawRegion: "eu-south-7"}, nil},
		"skipped validation":  {AccessConfig{RawRegion: "moon-base-1", SkipRegionValidation: true}, nil},
		"negative retry":      {AccessConfig{RawRegion: "us-east-1", MaxRetries: -1}, []string{"max_retries must be 0 or more"}},
		"key without secret":  {AccessConfig{RawRegion: "us-east-1", AccessKey: "AKIA1"}, []string{"access_key and secret_key go together"}},
		"token without key":   {AccessConfig{RawRegion: "us-east-1", Token: "t"}, []string{"token is the session token of access_key/secret_key"}},
		"vault and keys":      {AccessConfig{RawRegion: "us-east-1", AccessKey: "a", SecretKey: "s", VaultAWSEngine: VaultAWSEngineOptions{Name: "r"}}, []string{"vault_aws_engine and access_key/secret_key"}},
		"vault without name":  {AccessConfig{RawRegion: "us-east-1", VaultAWSEngine: VaultAWSEngineOptions{TTL: "1h", RoleARN: "arn:x"}}, []string{"vault_aws_engine needs name"}},
		"vault bad ttl":       {AccessConfig{RawRegion: "us-east-1", VaultAWSEngine: VaultAWSEngineOptions{Name: "r", TTL: "an hour"}}, []string{"ttl \"an hour\" is not a duration", "ttl applies only to STS"}},
		"role without arn":    {AccessConfig{RawRegion: "us-east-1", AssumeRole: AssumeRoleConfig{SessionName: "s"}}, []string{"assume_role needs role_arn"}},
		"role bad duration":   {AccessConfig{RawRegion: "us-east-1", AssumeRole: AssumeRoleConfig{RoleARN: "arn:r", DurationSeconds: 60}}, []string{"duration_seconds 60 must be 900 to 43200"}},
		"role transitive tag": {AccessConfig{RawRegion: "us-east-1", AssumeRole: AssumeRoleConfig{RoleARN: "arn:r", TransitiveTagKeys: []string{"Team"}}}, []string{`"Team" is not a key of assume_role tags`}},
		"endpoint not a URL":  {AccessConfig{RawRegion: "us-east-1", CustomEndpointEC2: "http://"}, []string{"custom_endpoint_ec2"}},
	} {
		t.Run(name, func(t *testing.T) {
			all := prepareErrors(&tc.c)
			if len(tc.want) == 0 && all != "" {
				t.Errorf("unexpected errors: %s", all)
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("errors %q lack %q", all, w)
				}
			}
		})
	}
	c := AccessConfig{RawRegion: "us-east-1", CustomEndpointEC2: "ec2.example.com"}
	if c.Prepare(); c.MaxRetries != DefaultMaxRetries || c.CustomEndpointEC2 != "https://ec2.example.com" {
		t.Errorf("defaults: max_retries %d, custom_endpoint_ec2 %q", c.MaxRetries, c.CustomEndpointEC2)
	}
	if c := (AccessConfig{RawRegion: "us-east-1", AssumeRole: AssumeRoleConfig{RoleARN: "arn:r"}}); c.Prepare() == nil && c.AssumeRole.SessionName == "" {
		t.Error("assume_role session_name has no default")
	}
}

// TestRegionFromEnvironmentOrProfile: with no region in the template it
// comes, as in amazon-ebs (and the AWS CLI), from AWS_REGION, then
// AWS_DEFAULT_REGION, then the profile's section of the config file.
func TestRegionFromEnvironmentOrProfile(t *testing.T) {
	noAWSEnvironment(t)
	config := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(config, []byte("[default]\nregion = ap-south-1\n[profile eu]\nregion = eu-central-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", config)
	region := func(c AccessConfig) string {
		if errs := c.Prepare(); len(errs) > 0 {
			t.Fatal(errs)
		}
		return c.RawRegion
	}
	if got := region(AccessConfig{}); got != "ap-south-1" {
		t.Errorf("default profile: %q", got)
	}
	if got := region(AccessConfig{Profile: "eu"}); got != "eu-central-1" {
		t.Errorf("profile eu: %q", got)
	}
	t.Setenv("AWS_DEFAULT_REGION", "us-west-1")
	if got := region(AccessConfig{Profile: "eu"}); got != "us-west-1" {
		t.Errorf("AWS_DEFAULT_REGION: %q", got)
	}
	t.Setenv("AWS_REGION", "sa-east-1")
	if got := region(AccessConfig{Profile: "eu"}); got != "sa-east-1" {
		t.Errorf("AWS_REGION: %q", got)
	}
	if got := region(AccessConfig{RawRegion: "us-east-2"}); got != "us-east-2" {
		t.Errorf("the template's region lost to the environment: %q", got)
	}
}

// TestSecretsAreMaskedInLogs: secret_key, token and mfa_code are
// registered with Packer's log filter.
func TestSecretsAreMaskedInLogs(t *testing.T) {
	noAWSEnvironment(t)
	c := AccessConfig{RawRegion: "us-east-1", AccessKey: "AKIA1", SecretKey: "wJalrSECRETkey", Token: "FwoTOKENvalue", MFACode: "918273"}
	c.Prepare()
	for _, s := range []string{"wJalrSECRETkey", "FwoTOKENvalue", "918273"} {
		if got := packersdk.LogSecretFilter.FilterString("x " + s + " y"); strings.Contains(got, s) {
			t.Errorf("%s is not masked: %q", s, got)
		}
	}
}
