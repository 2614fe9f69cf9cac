package awsaccess

import (
	"fmt"
	"os"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// DefaultMaxRetries (max_retries) is generous on purpose: a build makes few calls, and a
// throttled account (RequestLimitExceeded) should slow a build down, not
// fail it and leave resources behind.
const DefaultMaxRetries = 10

// retryer is the SDK's standard retryer (exponential backoff with full
// jitter, throttling codes including RequestLimitExceeded, 5xx, connection
// errors) with more attempts, EC2's transient error codes (the list
// ec2wait's waits tolerate too), and without the client-side retry quota:
// the quota would give up after a burst of throttling, the very case to ride
// out. Only max_retries sets the attempts: AWS_MAX_ATTEMPTS, which the SDK
// would otherwise take for them, means a wait's attempts to amazon-ebs
// users (aws_polling), and the large values they set there would make one
// failing call retry for hours. A custom retryer keeps the SDK from
// reading it.
func (c *AccessConfig) retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = c.MaxRetries + 1
		o.RateLimiter = ratelimit.None
		o.Retryables = append(append([]retry.IsErrorRetryable(nil), o.Retryables...),
			retry.RetryableErrorCode{Codes: ec2wait.TransientCodes()})
	})
}

// EnvInt reads an integer environment variable (AWS_MAX_ATTEMPTS,
// AWS_POLL_DELAY_SECONDS …); ok is false when it is unset.
func EnvInt(name string) (int, bool, error) {
	s := os.Getenv(name)
	if s == "" {
		return 0, false, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, false, fmt.Errorf("environment variable %s=%q is not a whole number: %w", name, s, err)
	}
	return v, true, nil
}
