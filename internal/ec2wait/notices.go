package ec2wait

import (
	"fmt"
	"time"
)

// FirstNotice is how long a wait goes without a word: after that it says
// it is still waiting, then again each time the wait has doubled, at
// least every MaxNoticeGap (30 s, 1 m, 2 m, 4 m, 8 m, 16 m, 26 m …).
const (
	FirstNotice  = 30 * time.Second
	MaxNoticeGap = 10 * time.Minute
)

// notices says "still waiting" at growing intervals.
type notices struct {
	next  time.Duration
	limit time.Duration
}

func newNotices(o Options) *notices { return &notices{next: FirstNotice, limit: o.Timeout} }

func (n *notices) maybe(say func(string), what string, elapsed time.Duration) {
	if elapsed < n.next {
		return
	}
	msg := fmt.Sprintf("Still waiting for %s: %s so far", what, short(elapsed))
	if n.limit > 0 {
		msg += ", limit " + short(n.limit)
	}
	say(msg)
	for n.next <= elapsed {
		n.next += min(n.next, MaxNoticeGap)
	}
}

// short is a duration as people write it: 45s, 2m30s, 1h5m, 2h.
func short(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	case m > 0 && s > 0:
		return fmt.Sprintf("%dm%ds", m, s)
	case m > 0:
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%ds", s)
}
