//go:generate go tool packer-sdc mapstructure-to-hcl2 -type PollingConfig
//go:generate go tool packer-sdc struct-markdown

package ami

import (
	"fmt"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// PollingConfig tunes how the builder waits for instances and images. The
// defaults poll at once, then after 250 ms, growing ×1.5 to one poll every
// 2 s: a state change is noticed within ~2 s. Once a wait has lasted a
// minute (an AMI often takes several, a region copy tens), the pause
// stretches to 1/30 of the time waited, at most 10 s: the change is then
// noticed within ~3% of the wait, and a 10-minute image wait makes ~115
// DescribeImages calls instead of ~300. Unlike amazon-ebs there is no 15 s
// floor, so most templates need no aws_polling.
//
// ```hcl
//
//	aws_polling {
//	  delay_seconds = 5
//	  max_attempts  = 720
//	}
//
// ```
//
// The environment variables AWS_POLL_DELAY_SECONDS and AWS_MAX_ATTEMPTS
// apply where the block does not set a value: as in amazon-ebs, the block
// wins.
type PollingConfig struct {
	// The longest pause between two polls, in seconds, for the whole wait.
	// Default: 2, stretching to 10 in waits longer than a minute (see
	// above). Raise it to make fewer EC2 calls in accounts close to their
	// API rate limit.
	DelaySeconds int `mapstructure:"delay_seconds" required:"false"`
	// How many times to poll before giving up on a wait. Default: no limit by
	// count; each wait ends after 60 minutes instead.
	MaxAttempts int `mapstructure:"max_attempts" required:"false"`
}

// Prepare checks the values and fills unset ones from the environment.
func (c *PollingConfig) Prepare() []error {
	var errs []error
	if v, ok, err := awsaccess.EnvInt("AWS_POLL_DELAY_SECONDS"); err != nil {
		errs = append(errs, err)
	} else if ok && c.DelaySeconds == 0 {
		c.DelaySeconds = v
	}
	if v, ok, err := awsaccess.EnvInt("AWS_MAX_ATTEMPTS"); err != nil {
		errs = append(errs, err)
	} else if ok && c.MaxAttempts == 0 {
		c.MaxAttempts = v
	}
	if c.DelaySeconds < 0 {
		errs = append(errs, fmt.Errorf("aws_polling delay_seconds must be 0 (default) or a positive number of seconds, got %d", c.DelaySeconds))
	}
	if c.MaxAttempts < 0 {
		errs = append(errs, fmt.Errorf("aws_polling max_attempts must be 0 (no limit) or positive, got %d", c.MaxAttempts))
	}
	return errs
}

// Options turns the config into waiter options. A nil config (no
// aws_polling block) still honours the environment variables.
func (c *PollingConfig) Options() ec2wait.Options {
	p := PollingConfig{}
	if c != nil {
		p = *c
	}
	_ = p.Prepare() // errors were reported by Prepare at config time
	var o ec2wait.Options
	if p.DelaySeconds > 0 {
		o.MaxDelay = time.Duration(p.DelaySeconds) * time.Second
	}
	if p.MaxAttempts > 0 {
		o.MaxAttempts = p.MaxAttempts
		o.Timeout = -1 // the count is the bound the user asked for
	}
	return o
}
