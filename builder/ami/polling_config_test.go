package ami

import (
	"strings"
	"testing"
	"time"
)

// TestPollingConfigLimitsAreTimes: aws_polling and amazon-ebs's
// environment variables set each wait's limit to max_attempts ×
// delay_seconds with amazon-ebs's defaults (40, 15 s) for the one not set,
// so AWS_MAX_ATTEMPTS=40 means 10 minutes however often the builder polls;
// the block wins over the environment; delay_seconds alone also sets the
// pause between polls.
func TestPollingConfigLimitsAreTimes(t *testing.T) {
	for _, tc := range []struct {
		name         string
		block        *PollingConfig
		env          map[string]string
		limit, delay time.Duration
		from         string
	}{
		{"nothing set: the waits' own defaults", nil, nil, 0, 0, ""},
		{"AWS_MAX_ATTEMPTS=40 is amazon-ebs's 10 minutes", nil, map[string]string{"AWS_MAX_ATTEMPTS": "40"}, 10 * time.Minute, 0, "max_attempts 40 × delay_seconds 15"},
		{"AWS_MAX_ATTEMPTS=240 is an hour", nil, map[string]string{"AWS_MAX_ATTEMPTS": "240"}, time.Hour, 0, ""},
		{"both in the environment", nil, map[string]string{"AWS_MAX_ATTEMPTS": "60", "AWS_POLL_DELAY_SECONDS": "30"}, 30 * time.Minute, 30 * time.Second, ""},
		{"the block", &PollingConfig{DelaySeconds: 5, MaxAttempts: 7}, nil, 35 * time.Second, 5 * time.Second, "max_attempts 7 × delay_seconds 5"},
		{"delay only: 40 attempts", &PollingConfig{DelaySeconds: 30}, nil, 20 * time.Minute, 30 * time.Second, ""},
		{"the block wins over the environment", &PollingConfig{MaxAttempts: 8}, map[string]string{"AWS_MAX_ATTEMPTS": "9"}, 2 * time.Minute, 0, ""},
		{"AWS_TIMEOUT_SECONDS without attempts", nil, map[string]string{"AWS_TIMEOUT_SECONDS": "900"}, 15 * time.Minute, 0, "AWS_TIMEOUT_SECONDS=900"},
		{"AWS_MAX_ATTEMPTS wins over AWS_TIMEOUT_SECONDS", nil, map[string]string{"AWS_TIMEOUT_SECONDS": "900", "AWS_MAX_ATTEMPTS": "4"}, time.Minute, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"AWS_MAX_ATTEMPTS", "AWS_POLL_DELAY_SECONDS", "AWS_TIMEOUT_SECONDS"} {
				t.Setenv(k, tc.env[k])
			}
			o := tc.block.Options()
			if o.Timeout != tc.limit || o.Delay != tc.delay || !strings.Contains(o.LimitFrom, tc.from) || o.MaxAttempts != 0 {
				t.Errorf("limit %s delay %s (%q, attempts %d), want %s, %s, %q", o.Timeout, o.Delay, o.LimitFrom, o.MaxAttempts, tc.limit, tc.delay, tc.from)
			}
		})
	}
}

func TestPollingConfigRefusesBadValues(t *testing.T) {
	t.Setenv("AWS_POLL_DELAY_SECONDS", "")
	t.Setenv("AWS_MAX_ATTEMPTS", "many")
	t.Setenv("AWS_TIMEOUT_SECONDS", "soon")
	errs := (&PollingConfig{DelaySeconds: -1}).Prepare()
	msgs := ""
	for _, e := range errs {
		msgs += e.Error() + "\n"
	}
	for _, want := range []string{"AWS_MAX_ATTEMPTS", "AWS_TIMEOUT_SECONDS", "aws_polling delay_seconds"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("errors %q lack %q", msgs, want)
		}
	}
}
