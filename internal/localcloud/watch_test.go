package localcloud

import (
	"testing"
	"time"
)

// TestOverlappedMeansTheNewAnsweredBeforeTheOldWasGone: create before
// destroy is the new instance answering while the old one, which had
// answered, was not yet terminated; a fetch of the old one that failed
// while it still ran does not count as gone (Watch marks it gone only once
// the cloud stops it).
func TestOverlappedMeansTheNewAnsweredBeforeTheOldWasGone(t *testing.T) {
	s := time.Second
	for _, tc := range []struct {
		name string
		r    Replacement
		want bool
	}{
		{"new answered, old terminated later", Replacement{NewAt: 5 * s, OldLastAt: 6 * s, OldGoneAt: 7 * s}, true},
		{"old's last answer just before the new one's, then terminated", Replacement{NewAt: 5 * s, OldLastAt: 4 * s, OldGoneAt: 7 * s}, true},
		{"old terminated before the new one answered", Replacement{NewAt: 8 * s, OldLastAt: 4 * s, OldGoneAt: 7 * s}, false},
		{"new never answered", Replacement{NewAt: -1, OldLastAt: 4 * s, OldGoneAt: 7 * s}, false},
		{"old never answered", Replacement{NewAt: 5 * s, OldLastAt: -1, OldGoneAt: 7 * s}, false},
		{"old still running when the watch ended", Replacement{NewAt: 5 * s, OldLastAt: 6 * s, OldGoneAt: -1}, true},
	} {
		if got := tc.r.Overlapped(); got != tc.want {
			t.Errorf("%s: Overlapped() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
