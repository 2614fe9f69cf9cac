package ec2proxy

import (
	"testing"
	"time"
)

// TestStrictPresetSwitchesEveryRefusalOn: Strict turns on each refusal
// (a zero window would silently test nothing), and Quirks is Strict
// without randomness.
func TestStrictPresetSwitchesEveryRefusalOn(t *testing.T) {
	for _, f := range []Faults{Strict(), Quirks()} {
		for name, d := range map[string]time.Duration{"NewGroupHiddenFor": f.NewGroupHiddenFor, "NewProfileRefusedFor": f.NewProfileRefusedFor,
			"StoppedImageRefusedFor": f.StoppedImageRefusedFor, "SnapshotInUseFor": f.SnapshotInUseFor,
			"TerminateNotFoundFor": f.TerminateNotFoundFor, "HideNewFor": f.HideNewFor} {
			if d <= 0 {
				t.Errorf("%s is off", name)
			}
		}
	}
	if f := Strict(); f.ThrottleFraction <= 0 || f.ErrorFraction <= 0 || f.BurstLength <= 0 {
		t.Errorf("Strict() has no throttling/5xx bursts: %+v", f)
	}
	if f := Quirks(); f.ThrottleFraction != 0 || f.ErrorFraction != 0 {
		t.Errorf("Quirks() is random: %+v", f)
	}
}

// TestThrottlingComesInBursts: a drawn throttle is followed by BurstLength
// more for the same action, other actions untouched; FaultActions limits
// the draw to the actions named.
func TestThrottlingComesInBursts(t *testing.T) {
	h := newFaultHook()
	h.set(Faults{ThrottleFraction: 1, BurstLength: 3})
	if _, code := h.randomLocked("DeleteKeyPair"); code != "RequestLimitExceeded" {
		t.Fatalf("first draw: %q", code)
	}
	h.set(Faults{BurstLength: 3})
	for i := 0; i < 3; i++ {
		if _, code := h.randomLocked("DeleteKeyPair"); code != "RequestLimitExceeded" {
			t.Fatalf("burst call %d: %q", i+1, code)
		}
	}
	if _, code := h.randomLocked("DeleteKeyPair"); code != "" {
		t.Errorf("after the burst: %q", code)
	}
	h.set(Faults{ThrottleFraction: 1, FaultActions: []string{"DeleteVolume"}})
	if _, code := h.randomLocked("RunInstances"); code != "" {
		t.Errorf("RunInstances throttled although FaultActions names only DeleteVolume")
	}
	if _, code := h.randomLocked("DeleteVolume"); code != "RequestLimitExceeded" {
		t.Errorf("DeleteVolume not throttled: %q", code)
	}
}
