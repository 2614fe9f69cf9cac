package ssmproto

import (
	"math"
	"sync"
	"time"
)

// Retransmission timing, as the protocol's own client does it: start at
// 200 ms, then follow the measured round trip (TCP's smoothing, RFC 6298),
// never above a second.
const (
	initialRTO  = 200 * time.Millisecond
	maxRTO      = time.Second
	granularity = 10 * time.Millisecond
)

// outgoing holds the stream messages sent and not yet acknowledged.
type outgoing struct {
	mu      sync.Mutex
	cond    *sync.Cond
	window  int
	next    int64
	pending map[int64]*sent
	order   []int64 // pending's keys, ascending
	closed  bool

	rto          time.Duration
	srtt, rttvar float64 // in nanoseconds; srtt 0 until the first sample
}

type sent struct {
	raw         []byte
	first, last time.Time
	resends     int
}

func (o *outgoing) init(window int) {
	o.cond = sync.NewCond(&o.mu)
	o.window, o.pending, o.rto = window, map[int64]*sent{}, initialRTO
}

// reserve waits for room in the window and returns the next sequence
// number; it fails once done is closed.
func (o *outgoing) reserve(done <-chan struct{}) (int64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for len(o.pending) >= o.window && !o.closed {
		o.cond.Wait()
	}
	select {
	case <-done:
		return 0, ErrClosed
	default:
	}
	seq := o.next
	o.next++
	return seq, nil
}

func (o *outgoing) add(seq int64, raw []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now()
	o.pending[seq] = &sent{raw: raw, first: now, last: now}
	o.order = append(o.order, seq)
}

// acked forgets an acknowledged message and learns the round trip from
// it, unless it was sent more than once (Karn: which copy was answered is
// unknown).
func (o *outgoing) acked(seq int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s, ok := o.pending[seq]
	if !ok {
		return
	}
	delete(o.pending, seq)
	if s.resends == 0 {
		o.sample(float64(time.Since(s.first)))
	}
	o.cond.Broadcast()
}

func (o *outgoing) sample(r float64) {
	if o.srtt == 0 {
		o.srtt, o.rttvar = r, r/2
	} else {
		o.rttvar = 0.75*o.rttvar + 0.25*math.Abs(o.srtt-r)
		o.srtt = 0.875*o.srtt + 0.125*r
	}
	o.rto = min(time.Duration(o.srtt+math.Max(float64(granularity), 4*o.rttvar)), maxRTO)
}

// due returns the message to send again now, if any, and whether one has
// waited longer than giveUp. Like TCP (and AWS's own client and agent),
// only the oldest unacknowledged message is sent again, each time after
// twice as long (up to maxRTO): a peer that acknowledges nothing for a
// while (its queue is full) is not flooded with the whole window again
// and again, and a lost message in the middle goes again once it is the
// oldest.
func (o *outgoing) due(now time.Time, giveUp time.Duration) (raw []byte, stuck bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for len(o.order) > 0 {
		s, ok := o.pending[o.order[0]]
		if !ok {
			o.order = o.order[1:]
			continue
		}
		if now.Sub(s.first) > giveUp {
			return nil, true
		}
		wait := o.rto << min(s.resends, 8)
		if now.Sub(s.last) < min(wait, maxRTO) {
			return nil, false
		}
		s.last, s.resends = now, s.resends+1
		return s.raw, false
	}
	return nil, false
}

// wake releases senders waiting for room: the channel ended.
func (o *outgoing) wake() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	o.cond.Broadcast()
}

// unacknowledged is how many sent messages await acknowledgement.
func (o *outgoing) unacknowledged() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.pending)
}
