package ec2wait

import (
	"context"
	"testing"
	"time"
)

// TestToleratedCodesAreRetriedWithinGraceOnly: EC2's refusals right after
// a create are "not yet" during NotFoundGrace, then the error.
func TestToleratedCodesAreRetriedWithinGraceOnly(t *testing.T) {
	o, _ := fake(Options{NotFoundGrace: 2 * time.Second, Tolerate: Codes("IncorrectInstanceState")})
	n := 0
	err := Retry(context.Background(), "image", o, func(context.Context) error {
		n++
		if n < 3 {
			return apiErr("IncorrectInstanceState")
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Errorf("err=%v calls=%d", err, n)
	}
	n = 0
	err = Retry(context.Background(), "image", o, func(context.Context) error { n++; return apiErr("IncorrectInstanceState") })
	if Code(err) != "IncorrectInstanceState" || n < 3 {
		t.Errorf("after the grace: err=%v after %d calls", err, n)
	}
	if err := Retry(context.Background(), "x", o, func(context.Context) error { return apiErr("InvalidParameterValue") }); Code(err) != "InvalidParameterValue" {
		t.Errorf("an untolerated code was retried: %v", err)
	}
}

// TestDeleteTakesLateNotFoundAsGone: NotFound during the grace is retried
// (not visible yet), NotFound after it means the thing is gone.
func TestDeleteTakesLateNotFoundAsGone(t *testing.T) {
	o, _ := fake(Options{NotFoundGrace: time.Second})
	n := 0
	err := Delete(context.Background(), "terminate", o, func(context.Context) error {
		n++
		if n < 3 {
			return apiErr("InvalidInstanceID.NotFound")
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Errorf("NotFound right after the create: err=%v calls=%d, want retried until it succeeded", err, n)
	}
	o, _ = fake(Options{NotFoundGrace: -1})
	n = 0
	if err := Delete(context.Background(), "delete", o, func(context.Context) error { n++; return apiErr("InvalidKeyPair.NotFound") }); err != nil || n != 1 {
		t.Errorf("NotFound without grace: err=%v calls=%d, want gone at once", err, n)
	}
}
