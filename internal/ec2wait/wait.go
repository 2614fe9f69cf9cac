package ec2wait

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"time"
)

// ErrTimeout is returned (wrapped) when a wait runs out of time or attempts.
var ErrTimeout = errors.New("timed out")

// Poll reports whether the awaited state is reached. A non-nil error ends
// the wait, except NotFound during the grace period and transient errors
// (throttling, 5xx), which count as "not yet".
type Poll func(ctx context.Context) (done bool, err error)

// For polls until poll reports done, and returns how long that took. say
// (may be nil) gets "Waiting for <what> ...", "Still waiting for <what>:
// 2m30s so far, limit 2h" from 30 s on at growing intervals, and, when
// done, "Waited 12.3s for <what>" (what reads like "instance i-1 to be
// running"). The pauses between polls follow schedule (schedule.go).
func For(ctx context.Context, say func(string), what string, opts Options, poll Poll) (time.Duration, error) {
	o := opts.withDefaults()
	if say == nil {
		say = func(string) {}
	}
	say(fmt.Sprintf("Waiting for %s ...", what))
	start := o.now()
	s, note := newSchedule(o), newNotices(o)
	for attempt := 1; ; attempt++ {
		pause := s.before(attempt, o.now().Sub(start))
		if o.Timeout > 0 && o.now().Sub(start)+pause > o.Timeout {
			elapsed := o.now().Sub(start)
			return elapsed, fmt.Errorf("waiting for %s: %w after %s (%s)", what, ErrTimeout, round(elapsed), o.limitHelp())
		}
		if err := o.pauseFor(ctx, pause); err != nil {
			return o.now().Sub(start), fmt.Errorf("waiting for %s: %w", what, err)
		}
		done, err := poll(ctx)
		elapsed := o.now().Sub(start)
		if err != nil && ctx.Err() == nil && tolerable(err, elapsed, o) {
			log.Printf("[DEBUG] waiting for %s: attempt %d: %v (retrying)", what, attempt, err)
			err, done = nil, false
		}
		if err != nil {
			return elapsed, fmt.Errorf("waiting for %s: %w", what, err)
		}
		if done {
			if o.Expect > 0 {
				o.Pace.Learn(elapsed, o.Expect)
			}
			say(fmt.Sprintf("Waited %s for %s", round(elapsed), what))
			return elapsed, nil
		}
		if o.MaxAttempts > 0 && attempt >= o.MaxAttempts {
			return elapsed, fmt.Errorf("waiting for %s: %w after %d attempts (%s)", what, ErrTimeout, attempt, round(elapsed))
		}
		note.maybe(say, what, elapsed)
	}
}

// pauseFor sleeps d (none for 0), or returns ctx's error.
func (o Options) pauseFor(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	return o.sleep(ctx, d)
}

// limitHelp says what the limit was and how to change it.
func (o Options) limitHelp() string {
	from := o.LimitFrom
	if from == "" {
		from = "the default"
	}
	return fmt.Sprintf("limit %s: %s; raise it with aws_polling { max_attempts, delay_seconds } "+
		"(the limit is their product) or AWS_MAX_ATTEMPTS", short(o.Timeout), from)
}

// tolerable reports whether err means "ask again" rather than "give up".
func tolerable(err error, elapsed time.Duration, o Options) bool {
	if IsTransient(err) {
		return true
	}
	inGrace := o.NotFoundGrace > 0 && elapsed < o.NotFoundGrace
	if o.Tolerate != nil && o.Tolerate(err) {
		switch {
		case o.TolerateFor < 0:
			return true
		case o.TolerateFor > 0:
			return elapsed < o.TolerateFor
		}
		return inGrace
	}
	return inGrace && IsNotFound(err)
}

// jittered spreads d by ±Jitter.
func (o Options) jittered(d time.Duration) time.Duration {
	if o.Jitter <= 0 {
		return d
	}
	r := rand.Float64
	if o.rand != nil {
		r = o.rand
	}
	return time.Duration(float64(d) * (1 + o.Jitter*(2*r()-1)))
}

// round keeps durations readable in the UI: 12.3s, 250ms.
func round(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// Retry runs call until it succeeds, retrying NotFound errors (an ID created
// moments ago and not visible yet) for up to NotFoundGrace, the errors
// opts.Tolerate names for TolerateFor, and transient errors, with the same
// gentle backoff as For; a Timeout, when set, bounds it all. Any other
// error is returned.
func Retry(ctx context.Context, what string, opts Options, call func(context.Context) error) error {
	o := opts
	if o.Timeout == 0 {
		o.Timeout = -1 // the grace windows and ctx bound it
	}
	o.MaxAttempts = 0 // aws_polling max_attempts is about waits, not calls
	var last error
	_, err := For(ctx, nil, what, o, func(ctx context.Context) (bool, error) {
		last = call(ctx)
		return last == nil, last
	})
	if err != nil && last != nil && errors.Is(err, last) {
		return last
	}
	return err
}

// Delete runs a call that deletes something until it succeeds or EC2 says
// the thing does not exist, with Retry's patience: a NotFound during
// NotFoundGrace is retried (an ID created moments ago may not be visible
// yet: TerminateInstances right after RunInstances), one after it means
// gone. Callers give the grace that is left since the ID was created
// (negative: NotFound means gone at once).
func Delete(ctx context.Context, what string, opts Options, call func(context.Context) error) error {
	err := Retry(ctx, what, opts, call)
	if IsNotFound(err) {
		return nil
	}
	return err
}

// Codes returns a Tolerate function for the given error codes.
func Codes(codes ...string) func(error) bool {
	return func(err error) bool {
		c := Code(err)
		for _, x := range codes {
			if c == x {
				return true
			}
		}
		return false
	}
}
