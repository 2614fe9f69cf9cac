package ec2proxy

import (
	"net/http"
	"sync"
	"time"
)

// strictHook makes moto answer as EC2 does: the refusals right after a
// create that Faults switch on (strict_quirks.go), and, always, what EC2
// does that moto 5.2.1 does not model (strict_ec2.go): unique AMI names,
// client tokens, DeregisterImage's DeleteAssociatedSnapshots, tags on
// snapshots at creation, deprecated and disabled images hidden from
// listings.
type strictHook struct {
	p *Proxy

	mu          sync.Mutex
	f           Faults
	groups      map[string]time.Time // security group ID -> created
	profiles    map[string]time.Time // instance profile name -> created or given a role
	launched    map[string]time.Time // instance ID -> RunInstances
	stoppedSeen map[string]time.Time // instance ID -> first answer showing it stopped
	inUse       map[string]time.Time // snapshot ID -> its AMI deregistered
	tokens      map[string][]byte    // region, action and client token -> answer
	lost        map[string]int       // action -> answers lost so far (LoseAnswer)
	deprecated  map[string]time.Time // image ID -> deprecation time
	disabled    map[string]bool      // image ID -> disabled
}

func newStrictHook(p *Proxy) *strictHook {
	h := &strictHook{p: p}
	h.Reset()
	return h
}

func (h *strictHook) set(f Faults) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.f = f
	h.lost = map[string]int{}
}

// Reset forgets everything the hook learnt.
func (h *strictHook) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.groups, h.profiles, h.launched = map[string]time.Time{}, map[string]time.Time{}, map[string]time.Time{}
	h.stoppedSeen, h.inUse = map[string]time.Time{}, map[string]time.Time{}
	h.tokens, h.lost = map[string][]byte{}, map[string]int{}
	h.deprecated, h.disabled = map[string]time.Time{}, map[string]bool{}
}

// Before refuses what EC2 would refuse now, answers a repeated client
// token, and prepares what moto cannot take as it is.
func (h *strictHook) Before(c *Call) *Answer {
	if c.Service != "" && c.Service != "ec2" {
		return nil
	}
	if a := h.loseAnswer(c); a != nil {
		return a
	}
	if a := h.refuse(c); a != nil {
		return a
	}
	return h.emulateBefore(c)
}

// After notes what was created, and completes what moto left undone.
func (h *strictHook) After(c *Call, body []byte) []byte {
	h.noteCreated(c, body)
	return h.emulateAfter(c, body)
}

// observe sees the answer as the client gets it, after every hook.
func (h *strictHook) observe(c *Call, body []byte) []byte {
	switch c.Action {
	case "DescribeInstances":
		h.noteStopped(body)
	case "RunInstances", "CopyImage":
		h.rememberToken(c, body)
	}
	return body
}

// loseAnswer carries the call out (or replays its client token's first
// answer) and then answers as if the reply was lost (LoseAnswer).
func (h *strictHook) loseAnswer(c *Call) *Answer {
	h.mu.Lock()
	lose := h.lost[c.Action] < h.f.LoseAnswer[c.Action]
	if lose {
		h.lost[c.Action]++
	}
	h.mu.Unlock()
	if !lose {
		return nil
	}
	if a := h.emulateBefore(c); a != nil && a.Status != http.StatusOK {
		return a // refused: nothing was carried out
	} else if a == nil {
		_, _, _, _ = h.p.Exchange(c, h.p.hooksNow())
	} // else a client token's answer replayed: lost too
	return ErrorAnswer(http.StatusInternalServerError, "InternalError", "injected by the ec2proxy: "+c.Action+" was carried out, its answer lost")
}

// Grace windows: since reports whether t is set and less than d ago.
func since(m map[string]time.Time, key string, d time.Duration) bool {
	t, ok := m[key]
	return ok && d > 0 && time.Since(t) < d
}
