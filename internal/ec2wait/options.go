package ec2wait

import (
	"context"
	"time"
)

// The generic schedule (waits without Expect: an ID becoming visible, a
// group becoming deletable, and every wait on an endpoint that changes
// states at once): a change is noticed within about 2 s: 0.25, 0.38,
// 0.56, 0.84, 1.27, 1.9, then every 2 s.
//
// A wait that has lasted longer than a minute (a real AMI takes minutes,
// a cross-region copy often tens of minutes) keeps polling every 2 s only
// at a cost of 30 calls a minute, ~300 for a 10-minute image, while being
// 2 s late then matters to nobody. So the cap stretches with the time
// already waited: a pause is at most 1/StretchDivisor of it (2 s at one
// minute, 4 s at two, 10 s from five minutes on), never more than
// DefaultLongMaxDelay. A transition is thus noticed within 2 s during the
// first minute, and within ~3% of the wait after that. A 10-minute wait
// costs ~115 calls instead of ~300, a 50-minute copy ~355 instead of
// ~1500 (BenchmarkWaitShape).
const (
	DefaultMinDelay      = 250 * time.Millisecond
	DefaultMaxDelay      = 2 * time.Second
	DefaultLongMaxDelay  = 10 * time.Second
	StretchDivisor       = 30
	DefaultFactor        = 1.5
	DefaultJitter        = 0.1
	DefaultTimeout       = 60 * time.Minute
	DefaultNotFoundGrace = 2 * time.Minute
)

// Options shape one wait. The zero value means the defaults above: a
// generic wait (a new ID becoming visible, a group becoming deletable).
// A wait for an EC2 state change that takes long on EC2 (Expecting) polls
// on the schedule in schedule.go instead.
type Options struct {
	// Expect is how long the awaited change takes at least on EC2, as
	// Expecting sets it; 0 for a generic wait.
	Expect time.Duration
	// Delay, when set (aws_polling delay_seconds, AWS_POLL_DELAY_SECONDS),
	// is the pause before every poll of a wait that expects a change, as
	// amazon-ebs's constant delay.
	Delay time.Duration
	// Pace is what the build's waits learned about the endpoint's speed,
	// shared by all of them; nil learns nothing.
	Pace *Pace
	// LimitFrom says where Timeout comes from, for the message when it
	// runs out (e.g. "AWS_MAX_ATTEMPTS=40 × 15 s").
	LimitFrom string
	// MinDelay is the pause after the first (immediate) poll.
	MinDelay time.Duration
	// MaxDelay caps the pause between two polls during the first
	// StretchDivisor×MaxDelay of a wait: the longest a finished transition
	// can go unnoticed then.
	MaxDelay time.Duration
	// LongMaxDelay is how far the cap may stretch in a long wait (the cap
	// is the time waited so far / StretchDivisor, between MaxDelay and
	// LongMaxDelay). 0 means DefaultLongMaxDelay when MaxDelay is unset
	// too, else MaxDelay: a MaxDelay the caller chose is kept for the
	// whole wait.
	LongMaxDelay time.Duration
	// Factor multiplies the pause after every poll (>= 1).
	Factor float64
	// Jitter randomises each pause by ±Jitter (0..1) so parallel waits
	// (region copies) do not poll in lock step. Negative disables it.
	Jitter float64
	// MaxAttempts bounds the number of polls; 0 means no bound by count.
	// Users' limits are times (Timeout): aws_polling's max_attempts is
	// turned into one, so frequent polling never shortens it.
	MaxAttempts int
	// Timeout bounds the whole wait; 0 means DefaultTimeout, negative none.
	Timeout time.Duration
	// NotFoundGrace is how long a NotFound error for the ID being waited
	// on counts as "not visible yet" (EC2 is eventually consistent right
	// after a create). 0 means DefaultNotFoundGrace, negative none.
	NotFoundGrace time.Duration
	// Tolerate names other errors that mean "not yet" during
	// NotFoundGrace: EC2's refusals right after a create or a state change
	// (IncorrectInstanceState right after "stopped", InvalidSnapshot.InUse
	// right after DeregisterImage, InvalidGroup.NotFound …). nil: none.
	Tolerate func(error) bool
	// TolerateFor bounds how long Tolerate applies: 0 means as long as
	// NotFoundGrace, negative the whole wait (then Timeout bounds it).
	TolerateFor time.Duration

	// Test hooks: a fake clock. nil means the real one.
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
	rand  func() float64
}

// Expecting is o for a wait on a change that takes at least expect on EC2
// and is given up after limit, unless the user set a limit (Timeout).
func (o Options) Expecting(expect, limit time.Duration, what string) Options {
	o.Expect = expect
	if o.Timeout == 0 {
		o.Timeout, o.LimitFrom = limit, "the default for "+what
	}
	return o
}

// withDefaults fills unset fields.
func (o Options) withDefaults() Options {
	if o.MinDelay <= 0 {
		o.MinDelay = DefaultMinDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = DefaultMaxDelay
		if o.LongMaxDelay == 0 {
			o.LongMaxDelay = DefaultLongMaxDelay
		}
	}
	if o.LongMaxDelay < o.MaxDelay {
		o.LongMaxDelay = o.MaxDelay
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

// capAt is the longest pause after having waited elapsed: MaxDelay, or
// elapsed/StretchDivisor once that is longer, at most LongMaxDelay.
func (o Options) capAt(elapsed time.Duration) time.Duration {
	return min(max(o.MaxDelay, elapsed/StretchDivisor), o.LongMaxDelay)
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
