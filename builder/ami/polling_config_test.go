package ami

import (
	"strings"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
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

// TestTimeBasedCopiesGetTheirDuration: a region copy asked to complete in
// snapshot_copy_duration_minutes may take that long plus a margin (never
// less than the 2-hour default), unless aws_polling sets a limit, which
// Prepare then warns about when it is shorter.
func TestTimeBasedCopiesGetTheirDuration(t *testing.T) {
	for _, k := range []string{"AWS_MAX_ATTEMPTS", "AWS_POLL_DELAY_SECONDS", "AWS_TIMEOUT_SECONDS"} {
		t.Setenv(k, "")
	}
	for _, tc := range []struct {
		minutes int64
		polling ec2wait.Options
		want    time.Duration
	}{
		{0, ec2wait.Options{}, 0}, // the image waits' default, set by the wait
		{30, ec2wait.Options{}, ec2wait.LimitImage},
		{240, ec2wait.Options{}, 4*time.Hour + 15*time.Minute},
		{240, (&PollingConfig{MaxAttempts: 240}).Options(), time.Hour},
	} {
		if got := (&StepCopyImages{DurationMinutes: tc.minutes, Polling: tc.polling}).waitOptions().Timeout; got != tc.want {
			t.Errorf("%d minutes, polling %+v: limit %s, want %s", tc.minutes, tc.polling, got, tc.want)
		}
	}
	m := withOptions(map[string]any{"ami_regions": []string{"us-west-2"}, "snapshot_copy_duration_minutes": 240,
		"aws_polling": map[string]any{"max_attempts": 240}})
	var b Builder
	_, warns, err := b.Prepare(m)
	if err != nil || !strings.Contains(strings.Join(warns, "\n"), "shorter than snapshot_copy_duration_minutes") {
		t.Errorf("warnings %q, %v: want the short limit named", warns, err)
	}
}
