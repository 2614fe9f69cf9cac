package ec2wait

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

func TestClassification(t *testing.T) {
	cases := map[string][2]bool{ // code: {notFound, transient}
		"InvalidInstanceID.NotFound":   {true, false},
		"InvalidAMIID.NotFound":        {true, false},
		"InvalidSnapshot.NotFound":     {true, false},
		"InvalidKeyPair.NotFound":      {true, false},
		"RequestLimitExceeded":         {false, true},
		"Throttling":                   {false, true},
		"InternalError":                {false, true},
		"AuthFailure":                  {false, false},
		"InsufficientInstanceCapacity": {false, false}, // a 500, but not worth minutes of asking
	}
	for code, want := range cases {
		err := apiErr(code)
		if IsNotFound(err) != want[0] || IsTransient(err) != want[1] {
			t.Errorf("%s: notFound=%v transient=%v, want %v", code, IsNotFound(err), IsTransient(err), want)
		}
	}
	if IsNotFound(nil) || IsTransient(nil) || IsNotFound(errors.New("x")) {
		t.Error("nil/plain errors misclassified")
	}
	for _, code := range []string{"UnauthorizedOperation", "AccessDenied", "AccessDeniedException"} {
		if !IsAccessDenied(apiErr(code)) || IsTransient(apiErr(code)) {
			t.Errorf("%s: not classified as access denied", code)
		}
	}
	if IsAccessDenied(apiErr("AuthFailure")) || IsAccessDenied(nil) {
		t.Error("AuthFailure/nil classified as access denied")
	}
	for code := range TransientCodes() {
		if !IsTransient(apiErr(code)) {
			t.Errorf("%s is in TransientCodes but not IsTransient", code)
		}
	}
}

// BenchmarkForRealClock measures the overhead of one wait that needs four
// polls with tiny real pauses.
func BenchmarkForRealClock(b *testing.B) {
	o := Options{MinDelay: time.Microsecond, MaxDelay: 10 * time.Microsecond, Jitter: -1}
	for b.Loop() {
		n := 0
		_, _ = For(context.Background(), nil, "x", o, func(context.Context) (bool, error) { n++; return n == 4, nil })
	}
}

// BenchmarkWaitShape reports, on a fake clock, how many polls a wait for a
// transition after d costs with the defaults and how late the transition
// is noticed (target: within about 2 s up to a minute, then within ~3% of
// the wait; amazon-ebs: up to its 15 s floor and more). Measured: 10 s: 10
// polls; 40 s: 25; 10 min: ~115 (~300 with a flat 2 s cap); 50 min: ~355
// (~1500).
func BenchmarkWaitShape(b *testing.B) {
	for _, d := range []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 10 * time.Minute, 50 * time.Minute} {
		b.Run(d.String(), func(b *testing.B) {
			var polls int
			var late time.Duration
			for b.Loop() {
				o, c := fake(Options{})
				polls = 0
				start := c.t
				_, _ = For(context.Background(), nil, "x", o, doneAfter(c, d, &polls))
				late = c.t.Sub(start) - d
			}
			b.ReportMetric(float64(polls), "polls")
			b.ReportMetric(late.Seconds(), "s-late")
		})
	}
}

func TestMissingPermissionNamesTheAction(t *testing.T) {
	denied := &smithy.OperationError{ServiceID: "EC2", OperationName: "RunInstances", Err: apiErr("UnauthorizedOperation")}
	if got := MissingPermission(fmt.Errorf("launching: %w", denied)); got != "ec2:RunInstances" {
		t.Errorf("MissingPermission = %q", got)
	}
	other := &smithy.OperationError{ServiceID: "EC2", OperationName: "RunInstances", Err: apiErr("InvalidParameterValue")}
	if got := MissingPermission(other); got != "" {
		t.Errorf("a refusal for another reason names %q", got)
	}
}
