package awsaccess

import (
	"context"
	"testing"

	"github.com/aws/smithy-go"
)

// TestRetryerFollowsMaxRetries: max_retries+1 attempts, throttling
// (RequestLimitExceeded) and 5xx retried, and no client-side retry quota that
// would give up during a long burst of throttling.
func TestRetryerFollowsMaxRetries(t *testing.T) {
	t.Setenv("AWS_MAX_ATTEMPTS", "720") // a wait's attempts for amazon-ebs users, not a call's
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
