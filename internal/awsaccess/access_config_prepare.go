package awsaccess

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsid"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/logsecret"
)

// Prepare validates the access settings and fills defaults: the region from
// the environment or profile when the template has none, max_retries, the
// scheme of custom_endpoint_ec2. Secrets are registered with the log filter.
func (c *AccessConfig) Prepare() []error {
	logsecret.Register(c.SecretKey, c.Token, c.MFACode)
	var errs []error
	errs = append(errs, c.prepareRegion()...)
	if c.MaxRetries < 0 {
		errs = append(errs, fmt.Errorf("max_retries must be 0 or more, got %d", c.MaxRetries))
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	errs = append(errs, c.prepareCredentials()...)
	errs = append(errs, c.AssumeRole.prepare()...)
	errs = append(errs, c.VaultAWSEngine.prepare()...)
	if c.CustomEndpointEC2 != "" {
		if !strings.Contains(c.CustomEndpointEC2, "://") {
			c.CustomEndpointEC2 = "https://" + c.CustomEndpointEC2
		}
		if u, err := url.Parse(c.CustomEndpointEC2); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			errs = append(errs, fmt.Errorf("custom_endpoint_ec2 %q is not an http(s) URL like \"https://ec2.example.com\"", c.CustomEndpointEC2))
		}
	}
	return errs
}

// prepareRegion takes the region from the environment or profile when the
// template has none (as amazon-ebs), then checks its form.
func (c *AccessConfig) prepareRegion() []error {
	if c.RawRegion == "" {
		// Loading the configuration reads environment and files only: no
		// AWS call, no credentials resolved yet.
		if cfg, err := config.LoadDefaultConfig(context.Background(), c.loadOptions("")...); err == nil {
			c.RawRegion = cfg.Region
		}
	}
	switch {
	case c.RawRegion == "":
		return []error{fmt.Errorf("region is required: set region = \"us-east-1\" (or the region to build in), " +
			"or AWS_REGION, or region in the profile's section of the AWS config file")}
	case !c.SkipRegionValidation && !awsid.IsRegion(c.RawRegion):
		return []error{fmt.Errorf("region %q is not a region name like \"us-east-1\": set region to the region to build in (one of %s), "+
			"or skip_region_validation = true for an EC2-compatible cloud with its own region names",
			c.RawRegion, strings.Join(awsid.Regions(), ", "))}
	}
	return nil
}

func (c *AccessConfig) prepareCredentials() []error {
	var errs []error
	if (c.AccessKey == "") != (c.SecretKey == "") {
		errs = append(errs, fmt.Errorf("access_key and secret_key go together: set both, or neither to use the environment or a profile"))
	}
	if c.Token != "" && c.AccessKey == "" {
		errs = append(errs, fmt.Errorf("token is the session token of access_key/secret_key: set those too, or remove token"))
	}
	if !c.VaultAWSEngine.Empty() && c.AccessKey != "" {
		errs = append(errs, fmt.Errorf("vault_aws_engine and access_key/secret_key both give credentials: keep only one"))
	}
	return errs
}
