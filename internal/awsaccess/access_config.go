//go:generate go tool packer-sdc struct-markdown

package ami

import (
	"context"
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// defaultMaxRetries is generous on purpose: a build makes few calls, and a
// throttled account (RequestLimitExceeded) should slow a build down, not
// fail it and leave resources behind.
const defaultMaxRetries = 10

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

// transientCodes are EC2 server-side failures worth another attempt even
// when no 5xx status accompanies them.
var transientCodes = map[string]struct{}{
	"InternalError": {}, "InternalFailure": {}, "ServiceUnavailable": {}, "Unavailable": {},
}

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)

// Prepare validates the access settings and fills defaults.
func (c *AccessConfig) Prepare() []error {
	var errs []error
	switch {
	case c.RawRegion == "":
		errs = append(errs, fmt.Errorf("region is required: set region = \"us-east-1\" (or the region to build in)"))
	case !regionPattern.MatchString(c.RawRegion):
		errs = append(errs, fmt.Errorf("region %q is not a region name like \"us-east-1\"", c.RawRegion))
	}
	if c.MaxRetries < 0 {
		errs = append(errs, fmt.Errorf("max_retries must be 0 or more, got %d", c.MaxRetries))
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = defaultMaxRetries
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
	return cfg, nil
}

// EC2 returns an EC2 client for region.
func (c *AccessConfig) EC2(ctx context.Context, region string) (*ec2.Client, error) {
	cfg, err := c.AWSConfig(ctx, region)
	if err != nil {
		return nil, err
	}
	return ec2.NewFromConfig(cfg), nil
}

// retryer is the SDK's standard retryer (exponential backoff with full
// jitter, throttling codes including RequestLimitExceeded, 5xx, connection
// errors) with more attempts and without the client-side retry quota: the
// quota would give up after a burst of throttling, the very case to ride out.
// AWS_MAX_ATTEMPTS is read here because the SDK ignores it once a custom
// retryer is given.
func (c *AccessConfig) retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = c.MaxRetries + 1
		if v, ok, err := envInt("AWS_MAX_ATTEMPTS"); err == nil && ok && v > 0 {
			o.MaxAttempts = v
		}
		o.RateLimiter = ratelimit.None
		o.Retryables = append(append([]retry.IsErrorRetryable(nil), o.Retryables...), retry.RetryableErrorCode{Codes: transientCodes})
	})
}
