package ec2wait

import (
	"sync"
	"time"
)

// How long EC2 takes at least, and is given at most by default, for the
// changes a build waits for. The waits poll hardly at all before the
// expected time: a poll then only costs a call (accounts running many
// builds share EC2's request limits). EC2 starts an instance in ten to a
// few dozen seconds, stops one in as long as its OS takes to shut down,
// makes an image in half a minute for a small unchanged disk to hours for
// a large new one; the AWS CLI and amazon-ebs poll every 15 s.
const (
	ExpectRunning    = 10 * time.Second
	ExpectStopped    = 5 * time.Second
	ExpectTerminated = 5 * time.Second
	ExpectImage      = 30 * time.Second

	// LimitInstance bounds a wait for an instance state by default, as
	// amazon-ebs's (40 polls, 15 s apart); LimitImage a wait for an image
	// or a region copy, which for a large image can take more than an
	// hour.
	LimitInstance = 10 * time.Minute
	LimitImage    = 2 * time.Hour
)

// The schedule of a wait that expects a change (Options.Expect): while
// the endpoint's pace is unknown, a probe at ProbeTimes (an emulator or a
// local cloud changes states at once: there the wait ends within a second
// and the build learns the endpoint is fast); then, on an endpoint as
// slow as EC2, the first poll at the expected time, and from there a poll
// every ExpectGap (±10%), stretching to 1/ExpectStretch of the time
// waited (at most ExpectLongGap): a change is noticed within about 2 s in
// the first 30 s after the expected time, within ~7% of the wait after
// that. On an endpoint known to be fast, the generic schedule from the
// start.
var ProbeTimes = []time.Duration{time.Second}

const (
	ExpectGap     = 2 * time.Second
	ExpectStretch = 15
	ExpectLongGap = 30 * time.Second
)

// Pace is what a build's waits have learned about the endpoint, for each
// kind of change (by the time it is expected to take: an instance
// starting, stopping, an image being made): fast (done by the probes: an
// emulator), slow (EC2), or unknown. Kinds are learned apart because an
// endpoint can be slow at one and fast at another (the local cloud boots
// a real system but makes images at once); a kind not learned yet counts
// as fast once any kind proved fast, and is probed otherwise.
type Pace struct {
	mu   sync.Mutex
	fast map[time.Duration]bool
}

// NewPace is a pace with nothing learned yet.
func NewPace() *Pace { return &Pace{fast: map[time.Duration]bool{}} }

func (p *Pace) known(expect time.Duration) (fast, known bool) {
	if p == nil {
		return false, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if fast, ok := p.fast[expect]; ok {
		return fast, true
	}
	for _, fast := range p.fast {
		if fast {
			return true, true
		}
	}
	return false, false
}

// Learn records how long a wait expecting expect took: done by the probes
// means fast, done no sooner than expected means slow.
func (p *Pace) Learn(took, expect time.Duration) {
	if p == nil {
		return
	}
	var fast bool
	switch {
	case took <= ProbeTimes[len(ProbeTimes)-1]:
		fast = true
	case took >= expect:
		fast = false
	default:
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fast == nil {
		p.fast = map[time.Duration]bool{}
	}
	p.fast[expect] = fast
}

// schedule gives the pause before each poll of one wait.
type schedule struct {
	o     Options
	delay time.Duration // the generic schedule's next pause
	fast  bool
	known bool
}

func newSchedule(o Options) *schedule {
	s := &schedule{o: o, delay: o.MinDelay}
	s.fast, s.known = o.Pace.known(o.Expect)
	return s
}

// before is the pause before poll number attempt (from 1), elapsed into
// the wait.
func (s *schedule) before(attempt int, elapsed time.Duration) time.Duration {
	o := s.o
	switch {
	case o.Expect > 0 && o.Delay > 0:
		return o.Delay
	case o.Expect <= 0 || (s.known && s.fast):
		return s.generic(attempt, elapsed)
	case !s.known && attempt <= len(ProbeTimes):
		return max(ProbeTimes[attempt-1]-elapsed, 0)
	case elapsed < o.Expect:
		return o.Expect - elapsed
	}
	gap := min(max(ExpectGap, elapsed/ExpectStretch), ExpectLongGap)
	return o.jittered(gap)
}

// generic is the schedule of a wait without expectations: at once, then
// MinDelay growing by Factor to the cap (capAt).
func (s *schedule) generic(attempt int, elapsed time.Duration) time.Duration {
	if attempt == 1 {
		return 0
	}
	pause := s.o.jittered(s.delay)
	s.delay = min(time.Duration(float64(s.delay)*s.o.Factor), s.o.capAt(elapsed+pause))
	return pause
}
