package ec2wait

import (
	"context"
	"testing"
	"time"
)

// TestLongWaitsStretchTheCap: with the defaults, a transition is noticed
// within about 2 s during a wait's first minute, and within ~1/30 of the
// time waited after that (at most 10 s), so long image and copy waits make
// a fraction of the calls a flat 2 s cap would.
func TestLongWaitsStretchTheCap(t *testing.T) {
	for _, tc := range []struct {
		d        time.Duration
		maxPolls int
		maxLate  time.Duration
	}{
		{20 * time.Second, 15, 2200 * time.Millisecond},
		{60 * time.Second, 35, 2200 * time.Millisecond},
		{2 * time.Minute, 60, 4400 * time.Millisecond},
		{10 * time.Minute, 120, 11 * time.Second},
		{50 * time.Minute, 360, 11 * time.Second},
	} {
		o, c := fake(Options{})
		polls := 0
		start := c.t
		if _, err := For(context.Background(), nil, "x", o, doneAfter(c, tc.d, &polls)); err != nil {
			t.Fatal(err)
		}
		late := c.t.Sub(start) - tc.d
		if polls > tc.maxPolls || late > tc.maxLate {
			t.Errorf("%s wait: %d polls, noticed %s late; want <= %d polls, <= %s", tc.d, polls, late, tc.maxPolls, tc.maxLate)
		}
		if flat := int(tc.d / DefaultMaxDelay); tc.d >= 10*time.Minute && polls > flat/2 {
			t.Errorf("%s wait: %d polls, not much below a flat 2 s cap's ~%d", tc.d, polls, flat)
		}
	}
}

// TestChosenDelayIsKeptForTheWholeWait: a cap a caller set is never
// stretched.
func TestChosenDelayIsKeptForTheWholeWait(t *testing.T) {
	o, c := fake(Options{MaxDelay: 3 * time.Second, Jitter: -1})
	polls := 0
	if _, err := For(context.Background(), nil, "x", o, doneAfter(c, 10*time.Minute, &polls)); err != nil {
		t.Fatal(err)
	}
	for i, s := range c.sleeps {
		if s > 3*time.Second {
			t.Fatalf("pause %d = %s, above the chosen 3 s", i, s)
		}
	}
	if last := c.sleeps[len(c.sleeps)-1]; last != 3*time.Second {
		t.Errorf("last pause %s, want the chosen 3 s", last)
	}
}

func TestCapAt(t *testing.T) {
	o := Options{}.withDefaults()
	for elapsed, want := range map[time.Duration]time.Duration{
		0: 2 * time.Second, time.Minute: 2 * time.Second, 2 * time.Minute: 4 * time.Second,
		5 * time.Minute: 10 * time.Second, time.Hour: 10 * time.Second,
	} {
		if got := o.capAt(elapsed); got != want {
			t.Errorf("capAt(%s) = %s, want %s", elapsed, got, want)
		}
	}
}
