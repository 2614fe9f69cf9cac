package ec2wait

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestForFailsOnNotFoundAfterTheGrace: NotFound is forgiven only during the
// grace period (EC2's eventual consistency right after a create); one that
// lasts longer is the wait's error, naming what was not found, however
// long the wait itself may last.
func TestForFailsOnNotFoundAfterTheGrace(t *testing.T) {
	o, c := fake(Options{NotFoundGrace: 3 * time.Second, Timeout: time.Hour})
	start := c.t
	_, err := For(context.Background(), nil, "AMI ami-1", o, func(context.Context) (bool, error) {
		return false, apiErr("InvalidAMIID.NotFound")
	})
	if !IsNotFound(err) {
		t.Fatalf("err = %v, want the NotFound once the grace is over", err)
	}
	if waited := c.t.Sub(start); waited < 3*time.Second || waited > time.Minute {
		t.Errorf("gave up after %s of fake time, want just after the 3s grace", waited)
	}
}

// TestSleepStopsAtOnceOnCancel: the pause between two polls ends when the
// build is cancelled (Ctrl-C), not when the pause is over.
func TestSleepStopsAtOnceOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() { done <- sleepCtx(ctx, time.Hour) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("sleepCtx = %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("sleepCtx still sleeping a minute after the cancellation (it would sleep its hour)")
	}
}
