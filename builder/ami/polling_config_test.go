package ami

import (
	"testing"
	"time"
)

func TestPollingConfig(t *testing.T) {
	var nilCfg *PollingConfig
	if o := nilCfg.Options(); o.MaxDelay != 0 || o.MaxAttempts != 0 {
		t.Errorf("no block: %+v, want waiter defaults", o)
	}
	c := &PollingConfig{DelaySeconds: 5, MaxAttempts: 7}
	if errs := c.Prepare(); len(errs) != 0 {
		t.Fatal(errs)
	}
	if o := c.Options(); o.MaxDelay != 5*time.Second || o.MaxAttempts != 7 || o.Timeout >= 0 {
		t.Errorf("options = %+v", o)
	}
	t.Setenv("AWS_POLL_DELAY_SECONDS", "3")
	t.Setenv("AWS_MAX_ATTEMPTS", "9")
	if o := nilCfg.Options(); o.MaxDelay != 3*time.Second || o.MaxAttempts != 9 {
		t.Errorf("environment without a block: %+v", o)
	}
	// As amazon-ebs: the block wins over the environment.
	if o := (&PollingConfig{DelaySeconds: 5, MaxAttempts: 7}).Options(); o.MaxDelay != 5*time.Second || o.MaxAttempts != 7 {
		t.Errorf("block and environment: %+v, want the block's", o)
	}
	t.Setenv("AWS_POLL_DELAY_SECONDS", "")
	t.Setenv("AWS_MAX_ATTEMPTS", "many")
	if errs := (&PollingConfig{DelaySeconds: -1}).Prepare(); len(errs) != 2 {
		t.Errorf("want 2 errors (env, delay), got %v", errs)
	}
}
