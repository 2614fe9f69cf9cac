package ami

import (
	"context"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// TestRetryerFollowsMaxRetries: max_retries+1 attempts, throttling
// (RequestLimitExceeded) and 5xx retried, and no client-side retry quota that
// would give up during a long burst of throttling.
func TestRetryerFollowsMaxRetries(t *testing.T) {
	t.Setenv("AWS_MAX_ATTEMPTS", "")
	c := AccessConfig{RawRegion: "us-east-1", MaxRetries: 4}
	r := c.retryer()
	if r.MaxAttempts() != 5 {
		t.Errorf("MaxAttempts = %d, want max_retries+1 = 5", r.MaxAttempts())
	}
	for _, code := range []string{"RequestLimitExceeded", "Throttling", "InternalError"} {
		if !r.IsErrorRetryable(&smithy.GenericAPIError{Code: code}) {
			t.Errorf("%s is not retried", code)
		}
	}
	for i := 0; i < 500; i++ {
		if _, err := r.GetRetryToken(context.Background(), &smithy.GenericAPIError{Code: "RequestLimitExceeded"}); err != nil {
			t.Fatalf("retry %d refused: %v", i, err)
		}
	}
}

// TestBuildRidesOutThrottling: with 30% of EC2 calls throttled and new IDs
// invisible for a second, the whole build (SSH hop included) succeeds and
// leaves nothing behind.
func TestBuildRidesOutThrottling(t *testing.T) {
	e := newBuildEnv(t)
	p := ec2test.StartProxy(t, e.moto)
	p.SetEnv(t)
	p.SetFaults(ec2test.Faults{ThrottleFraction: 0.3, HideNewFor: time.Second})
	start := time.Now()
	art, err, out := e.run(t, context.Background(), e.template(nil), &runHook{commands: []string{"true"}})
	if err != nil || art == nil {
		t.Fatalf("build failed under throttling: %v\n%s", err, out)
	}
	t.Logf("build under 30%% throttling: %s, %d EC2 calls", time.Since(start).Round(100*time.Millisecond), len(p.Requests()))
	if len(e.images(t)) != 1 {
		t.Errorf("want exactly one image, got %d", len(e.images(t)))
	}
	e.assertNothingLeft(t)
}
