package ec2wait

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// waitFor runs one wait for a change after d on a fake clock and returns
// the polls it made and how late it noticed the change.
func waitFor(t *testing.T, o Options, d time.Duration) (int, time.Duration) {
	t.Helper()
	o, c := fake(o)
	polls := 0
	start := c.t
	if _, err := For(context.Background(), nil, "x", o, doneAfter(c, d, &polls)); err != nil {
		t.Fatal(err)
	}
	return polls, c.t.Sub(start) - d
}

// TestExpectedWaitsOnASlowEndpoint: a build's waits in the simulated region
// (an instance running after 20 s, stopped after 10 s, an image after
// 40 s): each kind of wait probes once, learns the endpoint is as slow as
// EC2, then polls first at its expected time and then about every 2 s,
// noticing each change within one gap.
func TestExpectedWaitsOnASlowEndpoint(t *testing.T) {
	pace := NewPace()
	total := 0
	for _, w := range []struct {
		expect, took time.Duration
		maxPolls     int
	}{
		{ExpectRunning, 20 * time.Second, 1 + 6},
		{ExpectStopped, 10 * time.Second, 1 + 4},
		{ExpectImage, 40 * time.Second, 1 + 6},
	} {
		polls, late := waitFor(t, Options{Pace: pace}.Expecting(w.expect, LimitImage, "test"), w.took)
		if polls > w.maxPolls || late > max(ExpectGap, w.took/ExpectStretch)*11/10 {
			t.Errorf("expecting %s, done after %s: %d polls, %s late; want <= %d, within one gap", w.expect, w.took, polls, late, w.maxPolls)
		}
		total += polls
	}
	if total > 19 {
		t.Errorf("%d polls for the three waits, want <= 19", total)
	}
}

// TestEachKindOfWaitLearnsItsOwnPace: where instances start as slowly as
// on EC2 but images are made at once (the local cloud), the image wait is
// over at its 1 s probe instead of waiting its expected 30 s; a second
// image wait polls at once.
func TestEachKindOfWaitLearnsItsOwnPace(t *testing.T) {
	pace := NewPace()
	if polls, _ := waitFor(t, Options{Pace: pace}.Expecting(ExpectRunning, LimitInstance, "test"), 12*time.Second); polls > 1+3 {
		t.Errorf("a 12 s start: %d polls", polls)
	}
	if polls, late := waitFor(t, Options{Pace: pace}.Expecting(ExpectImage, LimitImage, "test"), 0); polls != 1 || late > ProbeTimes[0] {
		t.Errorf("an image available at once after a slow start: %d polls, %s late; want the 1 s probe", polls, late)
	}
	if polls, late := waitFor(t, Options{Pace: pace}.Expecting(ExpectImage, LimitImage, "test"), 0); polls != 1 || late != 0 {
		t.Errorf("a second image available at once: %d polls, %s late; want one poll at once", polls, late)
	}
}

// TestExpectedWaitsOnAFastEndpoint: where the first wait is over by a
// probe (moto, the local cloud), later waits poll at once, as generic
// waits do.
func TestExpectedWaitsOnAFastEndpoint(t *testing.T) {
	pace := NewPace()
	if polls, late := waitFor(t, Options{Pace: pace}.Expecting(ExpectRunning, LimitInstance, "test"), 200*time.Millisecond); polls != 1 || late > time.Second {
		t.Errorf("a 200 ms start: %d polls, %s late; want the first probe", polls, late)
	}
	if polls, late := waitFor(t, Options{Pace: pace}.Expecting(ExpectImage, LimitImage, "test"), 0); polls != 1 || late != 0 {
		t.Errorf("an image available at once on a fast endpoint: %d polls, %s late; want one poll at once", polls, late)
	}
	if polls, late := waitFor(t, Options{Pace: pace}.Expecting(ExpectStopped, LimitInstance, "test"), 700*time.Millisecond); late > DefaultMaxDelay || polls > 5 {
		t.Errorf("a 700 ms stop on a fast endpoint: %d polls, %s late", polls, late)
	}
}

// TestLongExpectedWaitsStretch: a 10-minute image and a 50-minute copy are
// noticed within ~7% of the wait (at most 30 s late), with far fewer
// calls than a poll every 2.5 s or amazon-ebs's every 15 s would make.
func TestLongExpectedWaitsStretch(t *testing.T) {
	for _, tc := range []struct {
		d        time.Duration
		maxPolls int
	}{{10 * time.Minute, 50}, {50 * time.Minute, 140}} {
		polls, late := waitFor(t, Options{Pace: NewPace()}.Expecting(ExpectImage, LimitImage, "test"), tc.d)
		if polls > tc.maxPolls || late > ExpectLongGap || late > tc.d*7/100 {
			t.Errorf("%s: %d polls, %s late; want <= %d, within 7%% and %s", tc.d, polls, late, tc.maxPolls, ExpectLongGap)
		}
	}
}

// TestDelayIsAmazonEBSsConstantPause: with aws_polling delay_seconds, a
// wait polls exactly that far apart.
func TestDelayIsAmazonEBSsConstantPause(t *testing.T) {
	o, c := fake(Options{Delay: 15 * time.Second, Pace: NewPace()}.Expecting(ExpectImage, LimitImage, "test"))
	polls := 0
	if _, err := For(context.Background(), nil, "x", o, doneAfter(c, 50*time.Second, &polls)); err != nil {
		t.Fatal(err)
	}
	for i, s := range c.sleeps {
		if s != 15*time.Second {
			t.Errorf("pause %d = %s, want 15s", i, s)
		}
	}
	if polls != 4 {
		t.Errorf("%d polls for 50 s at 15 s, want 4", polls)
	}
}

// TestLimitIsATime: the limit holds however often the wait polls, and the
// error names it, where it came from, and how to raise it.
func TestLimitIsATime(t *testing.T) {
	o, c := fake(Options{Timeout: 10 * time.Minute, LimitFrom: "AWS_MAX_ATTEMPTS=40 × 15 s", Pace: NewPace()}.
		Expecting(ExpectImage, LimitImage, "images"))
	start := c.t
	_, err := For(context.Background(), nil, "AMI ami-1 to become available", o, doneAfter(c, time.Hour, new(int)))
	if !errors.Is(err, ErrTimeout) || c.t.Sub(start) > 10*time.Minute || c.t.Sub(start) < 9*time.Minute {
		t.Fatalf("err %v after %s, want a timeout after about 10 minutes", err, c.t.Sub(start))
	}
	for _, want := range []string{"limit 10m", "AWS_MAX_ATTEMPTS=40 × 15 s", "max_attempts"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if got := (Options{}).Expecting(ExpectImage, LimitImage, "images"); got.Timeout != LimitImage || !strings.Contains(got.LimitFrom, "images") {
		t.Errorf("no limit set: %+v, want the default for images", got)
	}
}

// TestLongWaitsSayTheyAreStillWaiting: past 30 s a wait says so, then each
// time it has doubled, at most 10 minutes apart, with the limit.
func TestLongWaitsSayTheyAreStillWaiting(t *testing.T) {
	o, c := fake(Options{Pace: NewPace()}.Expecting(ExpectImage, LimitImage, "images"))
	var said []string
	_, err := For(context.Background(), func(s string) { said = append(said, s) }, "AMI ami-1 in us-east-1 to become available", o,
		doneAfter(c, 40*time.Minute, new(int)))
	if err != nil {
		t.Fatal(err)
	}
	var stills []string
	for _, s := range said {
		if strings.HasPrefix(s, "Still waiting for AMI ami-1 in us-east-1 to become available: ") {
			stills = append(stills, strings.TrimPrefix(s, "Still waiting for AMI ami-1 in us-east-1 to become available: "))
		}
	}
	want := []string{"30s", "1m", "2m", "4m", "8m", "16m", "26m", "36m"}
	if len(stills) != len(want) {
		t.Fatalf("still-waiting lines %q, want at about %v", stills, want)
	}
	for i, s := range stills {
		if !strings.HasPrefix(s, want[i]) || !strings.HasSuffix(s, "so far, limit 2h") {
			t.Errorf("line %d: %q, want about %s so far, limit 2h", i, s, want[i])
		}
	}
}
