//go:generate go tool packer-sdc mapstructure-to-hcl2 -type PollingConfig
//go:generate go tool packer-sdc struct-markdown

package ami

import (
	"fmt"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// PollingConfig sets how long the builder waits for EC2, with amazon-ebs's
// meaning. Each wait has a time limit: by default 10 minutes for the build
// instance to start, stop or terminate, and 2 hours for an image to become
// available, in the build region or as a copy in an ami_regions region (a
// copy of a large image can take more than an hour; a time-based copy,
// snapshot_copy_duration_minutes, gets that duration plus 15 minutes when
// longer). When any of
// max_attempts, delay_seconds, AWS_MAX_ATTEMPTS or AWS_POLL_DELAY_SECONDS
// is set, every wait's limit is max_attempts × delay_seconds, with
// amazon-ebs's defaults of 40 attempts and 15 seconds:
// `AWS_MAX_ATTEMPTS=40` gives every wait 10 minutes, `AWS_MAX_ATTEMPTS=240`
// an hour. Without max_attempts, AWS_TIMEOUT_SECONDS (deprecated in
// amazon-ebs too) sets the limit in seconds. The limit is a time however
// often the builder polls.
//
// Unless delay_seconds is set, the builder polls on its own schedule: the
// first poll when EC2 could have made the change (10 s after launching, 5 s
// after stopping, 30 s after creating or copying an image), then every
// 2 s, stretching to 1/15 of the time waited (at most 30 s): a change is
// noticed within 2 s in the first minute, within ~7% of the wait later,
// and a 40-second image costs about 7 DescribeImages calls (amazon-ebs:
// 4, noticed up to 15 s late). A probe 1 s into the build's first wait of
// each kind (start, stop, image) finds endpoints that make that change at
// once (an emulator; a local cloud that boots slowly but makes images at
// once); once one kind proved fast, every wait polls at once and every
// 250 ms growing to 2 s. A wait longer than 30 seconds says so, then each
// time it has doubled (at least every 10 minutes), with the time so far
// and the limit.
//
// ```hcl
//
//	aws_polling {
//	  delay_seconds = 15
//	  max_attempts  = 240 # an hour
//	}
//
// ```
//
// The block's values win over the environment variables, as in
// amazon-ebs.
type PollingConfig struct {
	// The pause between two polls of a wait, in seconds. Default: the
	// schedule above. With max_attempts it sets each wait's limit
	// (max_attempts × delay_seconds; max_attempts defaults to 40).
	DelaySeconds int `mapstructure:"delay_seconds" required:"false"`
	// With delay_seconds (default 15), sets each wait's limit:
	// max_attempts × delay_seconds. The builder may poll more often than
	// that; the limit stays a time.
	MaxAttempts int `mapstructure:"max_attempts" required:"false"`
}

// amazon-ebs's waiter defaults (aws_polling's docs), from which a limit is
// computed when only one of the two is set.
const (
	defaultPollAttempts = 40
	defaultPollDelay    = 15
)

// Prepare checks the values and fills unset ones from the environment.
func (c *PollingConfig) Prepare() []error {
	var errs []error
	for _, f := range []struct {
		field *int
		env   string
		attr  string
	}{{&c.DelaySeconds, "AWS_POLL_DELAY_SECONDS", "delay_seconds"}, {&c.MaxAttempts, "AWS_MAX_ATTEMPTS", "max_attempts"}} {
		if v, ok, err := awsaccess.EnvInt(f.env); err != nil {
			errs = append(errs, err)
		} else if ok && *f.field == 0 {
			*f.field = v
		}
		if *f.field < 0 {
			errs = append(errs, fmt.Errorf("aws_polling %s (or %s) must be a positive number, got %d: remove it to use the default", f.attr, f.env, *f.field))
		}
	}
	if _, _, err := awsaccess.EnvInt("AWS_TIMEOUT_SECONDS"); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// Options turns the config into the waits' options: the limit as a time,
// and the pause between polls when delay_seconds is set. A nil config (no
// aws_polling block) still honours the environment variables.
func (c *PollingConfig) Options() ec2wait.Options {
	p := PollingConfig{}
	if c != nil {
		p = *c
	}
	_ = p.Prepare() // errors were reported by Prepare at config time
	var o ec2wait.Options
	if p.DelaySeconds > 0 {
		o.Delay = time.Duration(p.DelaySeconds) * time.Second
	}
	timeout, _, _ := awsaccess.EnvInt("AWS_TIMEOUT_SECONDS")
	switch {
	case p.MaxAttempts > 0 || p.DelaySeconds > 0:
		attempts, delay := max(p.MaxAttempts, 0), max(p.DelaySeconds, 0)
		if attempts == 0 {
			attempts = defaultPollAttempts
		}
		if delay == 0 {
			delay = defaultPollDelay
		}
		o.Timeout = time.Duration(attempts*delay) * time.Second
		o.LimitFrom = fmt.Sprintf("max_attempts %d × delay_seconds %d (aws_polling, AWS_MAX_ATTEMPTS, AWS_POLL_DELAY_SECONDS; "+
			"amazon-ebs's defaults 40 and 15 for the one not set)", attempts, delay)
	case timeout > 0:
		o.Timeout = time.Duration(timeout) * time.Second
		o.LimitFrom = fmt.Sprintf("AWS_TIMEOUT_SECONDS=%d", timeout)
	}
	return o
}

// copyLimitWarnings warns when aws_polling's limit ends a time-based
// copy's wait before the duration it asked EC2 for.
func (c *Config) copyLimitWarnings() []string {
	d := time.Duration(c.SnapshotCopyDurationMinutes) * time.Minute
	if limit := c.PollingConfig.Options().Timeout; d > 0 && limit > 0 && limit < d {
		return []string{fmt.Sprintf("aws_polling's limit (max_attempts × delay_seconds, %s) is shorter than "+
			"snapshot_copy_duration_minutes (%s): the copies' wait may give up before EC2 is done; raise max_attempts", limit, d)}
	}
	return nil
}
