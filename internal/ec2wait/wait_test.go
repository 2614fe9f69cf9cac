package ec2wait

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

// fakeClock advances only when the waiter sleeps, so tests are exact and
// instant.
type fakeClock struct {
	t      time.Time
	sleeps []time.Duration
}

func (c *fakeClock) now() time.Time { return c.t }
func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func fake(o Options) (Options, *fakeClock) {
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	o.now, o.sleep, o.rand = c.now, c.sleep, func() float64 { return 0.5 }
	return o, c
}

func apiErr(code string) error { return &smithy.GenericAPIError{Code: code, Message: "x"} }

// doneAfter returns a poll that reports done once the fake clock passed d.
func doneAfter(c *fakeClock, d time.Duration, calls *int) Poll {
	start := c.t
	return func(context.Context) (bool, error) {
		*calls++
		return c.t.Sub(start) >= d, nil
	}
}

func TestForPollsAtOnceThenGrowsGentlyToTheCap(t *testing.T) {
	o, c := fake(Options{})
	calls := 0
	_, err := For(context.Background(), nil, "x", o, doneAfter(c, 40*time.Second, &calls))
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{250 * time.Millisecond, 375 * time.Millisecond, 562500 * time.Microsecond}
	for i, w := range want {
		if c.sleeps[i] != w {
			t.Errorf("pause %d = %s, want %s", i, c.sleeps[i], w)
		}
	}
	for i, s := range c.sleeps {
		if s > DefaultMaxDelay {
			t.Errorf("pause %d = %s exceeds the %s cap", i, s, DefaultMaxDelay)
		}
	}
	// 40 s noticed within one cap, in a bounded number of calls.
	if over := c.t.Sub(time.Unix(1_700_000_000, 0)) - 40*time.Second; over > DefaultMaxDelay {
		t.Errorf("transition noticed %s late", over)
	}
	if calls > 26 {
		t.Errorf("%d polls for a 40 s wait, want <= 26", calls)
	}
}

func TestForSaysWhatItWaitsForAndHowLong(t *testing.T) {
	o, c := fake(Options{})
	var said []string
	calls := 0
	_, err := For(context.Background(), func(s string) { said = append(said, s) }, "AMI ami-1 available", o, doneAfter(c, 3*time.Second, &calls))
	if err != nil {
		t.Fatal(err)
	}
	if len(said) != 2 || said[0] != "Waiting for AMI ami-1 available ..." || !strings.HasPrefix(said[1], "Waited 3.") || !strings.HasSuffix(said[1], "s for AMI ami-1 available") {
		t.Errorf("said %q", said)
	}
}

func TestForStopsOnFirstPollWhenAlreadyDone(t *testing.T) {
	o, c := fake(Options{})
	calls := 0
	if _, err := For(context.Background(), nil, "x", o, doneAfter(c, 0, &calls)); err != nil || calls != 1 || len(c.sleeps) != 0 {
		t.Errorf("err=%v calls=%d sleeps=%v", err, calls, c.sleeps)
	}
}

func TestForErrors(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name string
		opts Options
		poll func(n int) (bool, error)
		want error
		code string
	}{
		{"poll error ends the wait", Options{}, func(int) (bool, error) { return false, boom }, boom, ""},
		{"max attempts", Options{MaxAttempts: 3}, func(int) (bool, error) { return false, nil }, ErrTimeout, ""},
		{"timeout", Options{Timeout: 5 * time.Second}, func(int) (bool, error) { return false, nil }, ErrTimeout, ""},
		{"not found after grace", Options{NotFoundGrace: 3 * time.Second}, func(int) (bool, error) { return false, apiErr("InvalidAMIID.NotFound") }, nil, "InvalidAMIID.NotFound"},
		{"other API error", Options{}, func(int) (bool, error) { return false, apiErr("AuthFailure") }, nil, "AuthFailure"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, _ := fake(tc.opts)
			n := 0
			_, err := For(context.Background(), nil, "x", o, func(context.Context) (bool, error) { n++; return tc.poll(n) })
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if tc.code != "" && Code(err) != tc.code {
				t.Errorf("code = %q (err %v), want %q", Code(err), err, tc.code)
			}
			if tc.name == "max attempts" && n != 3 {
				t.Errorf("%d polls, want 3", n)
			}
		})
	}
}

func TestForToleratesNotFoundInGraceAndTransientErrors(t *testing.T) {
	o, _ := fake(Options{NotFoundGrace: 3 * time.Second})
	seq := []error{apiErr("InvalidAMIID.NotFound"), apiErr("RequestLimitExceeded"), apiErr("InternalError"), apiErr("InvalidInstanceID.NotFound"), nil}
	n := 0
	_, err := For(context.Background(), nil, "x", o, func(context.Context) (bool, error) {
		e := seq[n]
		n++
		return e == nil, e
	})
	if err != nil || n != len(seq) {
		t.Errorf("err=%v after %d polls", err, n)
	}
}

func TestForStopsAtOnceOnCancel(t *testing.T) {
	o, c := fake(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := For(ctx, nil, "x", o, func(context.Context) (bool, error) {
		n++
		if n == 2 {
			cancel()
		}
		return false, nil
	})
	if !errors.Is(err, context.Canceled) || n != 2 || len(c.sleeps) != 1 {
		t.Errorf("err=%v polls=%d sleeps=%d", err, n, len(c.sleeps))
	}
}

func TestRetry(t *testing.T) {
	o, _ := fake(Options{NotFoundGrace: time.Second})
	n := 0
	err := Retry(context.Background(), "tag", o, func(context.Context) error {
		n++
		if n < 3 {
			return apiErr("InvalidAMIID.NotFound")
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Errorf("err=%v calls=%d", err, n)
	}
	perm := apiErr("UnauthorizedOperation")
	if err := Retry(context.Background(), "tag", o, func(context.Context) error { return perm }); err != perm {
		t.Errorf("permanent error = %v, want it unwrapped", err)
	}
}

func TestJitterStaysWithinBounds(t *testing.T) {
	for _, r := range []float64{0, 0.5, 0.999} {
		o := Options{rand: func() float64 { return r }}.withDefaults()
		d := o.jittered(time.Second)
		if d < 900*time.Millisecond || d > 1100*time.Millisecond {
			t.Errorf("rand %v: %s outside ±10%%", r, d)
		}
	}
}
