//go:generate go tool packer-sdc struct-markdown

// Package awsaccess is how this project reaches AWS: which account and region
// (AccessConfig, squash-embedded into a component's config so its attributes
// sit at the top level of the block), the SDK configuration with our retry
// policy, and one EC2 client per region shared by a whole build (Clients).
package awsaccess

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsid"
)

// AccessConfig says which account and region the build talks to. Credentials
// come from the AWS SDK's standard chain (environment, shared files, SSO,
// instance role); AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EC2 point it at another
// endpoint, e.g. a local emulator.
type AccessConfig struct {
	// The region to launch the build instance and create the AMI in, for
	// example `us-east-1`.
	RawRegion string `mapstructure:"region" required:"true"`
	// The profile from the shared AWS config and credentials files to use.
	// Default: the AWS_PROFILE environment variable, else `default`.
	Profile string `mapstructure:"profile" required:"false"`
	// How many times an EC2 call is retried when throttled
	// (RequestLimitExceeded …) or failing with a transient error, with
	// exponential backoff and jitter. Default 10. AWS_MAX_ATTEMPTS, when set,
	// overrides the number of attempts.
	MaxRetries int `mapstructure:"max_retries" required:"false"`
}

// Prepare validates the access settings and fills defaults.
func (c *AccessConfig) Prepare() []error {
	var errs []error
	switch {
	case c.RawRegion == "":
		errs = append(errs, fmt.Errorf("region is required: set region = \"us-east-1\" (or the region to build in)"))
	case !awsid.IsRegion(c.RawRegion):
		errs = append(errs, fmt.Errorf("region %q is not a region name like \"us-east-1\": set region to the region to build in (one of %s)",
			c.RawRegion, strings.Join(awsid.Regions(), ", ")))
	}
	if c.MaxRetries < 0 {
		errs = append(errs, fmt.Errorf("max_retries must be 0 or more, got %d", c.MaxRetries))
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	return errs
}

// AWSConfig loads the SDK configuration for region: credentials, profile,
// endpoint overrides from the environment, and our retry policy.
func (c *AccessConfig) AWSConfig(ctx context.Context, region string) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(region),
		config.WithRetryer(c.retryer),
	}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS configuration (profile %q, region %s): %w", c.Profile, region, err)
	}
	if cfg.Credentials != nil {
		cfg.Credentials = maskedCredentials{cfg.Credentials}
	}
	return cfg, nil
}

// EC2 returns a new EC2 client for region. A build shares clients through
// Clients instead.
func (c *AccessConfig) EC2(ctx context.Context, region string) (*ec2.Client, error) {
	cfg, err := c.AWSConfig(ctx, region)
	if err != nil {
		return nil, err
	}
	return ec2.NewFromConfig(cfg), nil
}
