package ec2wait

import (
	"context"
	"time"
)

// Defaults chosen so a state change is noticed within about 2 s while a
// 40 s image wait costs ~25 DescribeImages calls: 0.25, 0.38, 0.56, 0.84,
// 1.27, 1.9, then every 2 s.
const (
	DefaultMinDelay      = 250 * time.Millisecond
	DefaultMaxDelay      = 2 * time.Second
	DefaultFactor        = 1.5
	DefaultJitter        = 0.1
	DefaultTimeout       = 60 * time.Minute
	DefaultNotFoundGrace = 2 * time.Minute
)

// Options shape one wait. The zero value means the defaults above.
type Options struct {
	// MinDelay is the pause after the first (immediate) poll.
	MinDelay time.Duration
	// MaxDelay caps the pause between two polls: the longest a finished
	// transition can go unnoticed.
	MaxDelay time.Duration
	// Factor multiplies the pause after every poll (>= 1).
	Factor float64
	// Jitter randomises each pause by ±Jitter (0..1) so parallel waits
	// (region copies) do not poll in lock step. Negative disables it.
	Jitter float64
	// MaxAttempts bounds the number of polls; 0 means no bound by count.
	MaxAttempts int
	// Timeout bounds the whole wait; 0 means DefaultTimeout, negative none.
	Timeout time.Duration
	// NotFoundGrace is how long a NotFound error for the ID being waited
	// on counts as "not visible yet" (EC2 is eventually consistent right
	// after a create). 0 means DefaultNotFoundGrace, negative none.
	NotFoundGrace time.Duration

	// Test hooks: a fake clock. nil means the real one.
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
	rand  func() float64
}

// withDefaults fills unset fields.
func (o Options) withDefaults() Options {
	if o.MinDelay <= 0 {
		o.MinDelay = DefaultMinDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = DefaultMaxDelay
	}
	if o.MaxDelay < o.MinDelay {
		o.MinDelay = o.MaxDelay
	}
	if o.Factor < 1 {
		o.Factor = DefaultFactor
	}
	if o.Jitter == 0 {
		o.Jitter = DefaultJitter
	}
	if o.Jitter < 0 || o.Jitter > 1 {
		o.Jitter = 0
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.NotFoundGrace == 0 {
		o.NotFoundGrace = DefaultNotFoundGrace
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.sleep == nil {
		o.sleep = sleepCtx
	}
	return o
}

// sleepCtx pauses for d or until ctx ends, whichever is first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
