package ec2proxy

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// faultHook injects Faults. It remembers what was created, stopped and
// terminated through the proxy, and when.
type faultHook struct {
	mu      sync.Mutex
	faults  Faults
	created map[string]time.Time // image/instance ID -> creation time
	madeBy  map[string]string    // image/instance ID -> creating action
	stopped map[string]time.Time // instance ID -> StopInstances time
	ended   map[string]time.Time // instance ID -> TerminateInstances time
	bursts  map[string]burst     // action -> injected failures still to come
	drawn   map[string]bool      // actions that drew a fault already
	spot    spotFaults
	rng     *rand.Rand
}

// burst is a run of injected failures of one action.
type burst struct {
	left   int
	status int
	code   string
}

func newFaultHook() *faultHook {
	h := &faultHook{rng: rand.New(rand.NewPCG(1, 2))}
	h.Reset()
	return h
}

func (h *faultHook) set(f Faults) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = f
}

// Reset forgets created IDs and instance transitions.
func (h *faultHook) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.created, h.madeBy = map[string]time.Time{}, map[string]string{}
	h.stopped, h.ended = map[string]time.Time{}, map[string]time.Time{}
	h.bursts, h.drawn = map[string]burst{}, map[string]bool{}
	h.spot = newSpotFaults()
}

// Before picks the fault for one call, or notes the stop or terminate it
// asks for when it goes through.
func (h *faultHook) Before(c *Call) *Answer {
	h.mu.Lock()
	defer h.mu.Unlock()
	if code, ok := h.faults.Fail[c.Action]; ok {
		return ErrorAnswer(failStatus(code), code, "injected by the ec2proxy: "+c.Action+" fails for good")
	}
	status, code := h.randomLocked(c.Action)
	if code == "" {
		status, code = h.hiddenLocked(c.Params)
	}
	if code != "" {
		return ErrorAnswer(status, code, "injected by ec2test proxy")
	}
	if a := h.spotBeforeLocked(c); a != nil {
		return a
	}
	h.noteLocked(c.Action, c.Params)
	return nil
}

// randomLocked draws throttling and 5xx errors, in bursts.
func (h *faultHook) randomLocked(action string) (int, string) {
	f := h.faults
	if len(f.FaultActions) > 0 && !contains(f.FaultActions, action) {
		return 0, ""
	}
	if b := h.bursts[action]; b.left > 0 {
		b.left--
		h.bursts[action] = b
		return b.status, b.code
	}
	b := burst{left: f.BurstLength}
	first := f.BurstFirst && !h.drawn[action]
	h.drawn[action] = true
	switch {
	case first:
		b.status, b.code = http.StatusServiceUnavailable, "RequestLimitExceeded"
	case f.ThrottleFraction > 0 && h.rng.Float64() < f.ThrottleFraction:
		b.status, b.code = http.StatusServiceUnavailable, "RequestLimitExceeded"
	case f.ErrorFraction > 0 && h.rng.Float64() < f.ErrorFraction:
		b.status, b.code = http.StatusInternalServerError, "InternalError"
	default:
		return 0, ""
	}
	h.bursts[action] = b
	return b.status, b.code
}

// failStatus is the HTTP status EC2 sends with an error code.
func failStatus(code string) int {
	switch code {
	case "UnauthorizedOperation", "AuthFailure":
		return http.StatusForbidden
	case "InsufficientInstanceCapacity", "InternalError", "InternalFailure":
		return http.StatusInternalServerError
	case "Unavailable", "ServiceUnavailable", "RequestLimitExceeded":
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

// hiddenLocked answers NotFound for IDs created less than HideNewFor ago.
func (h *faultHook) hiddenLocked(params url.Values) (int, string) {
	f := h.faults
	if f.HideNewFor <= 0 {
		return 0, ""
	}
	for key, vs := range params {
		if key == "Action" || key == "Version" {
			continue
		}
		for _, v := range vs {
			if t, ok := h.created[v]; ok && time.Since(t) < f.HideNewFor {
				return http.StatusBadRequest, notFoundCode(v)
			}
		}
	}
	return 0, ""
}

func notFoundCode(id string) string {
	if strings.HasPrefix(id, "i-") {
		return "InvalidInstanceID.NotFound"
	}
	return "InvalidAMIID.NotFound"
}

// noteLocked remembers when instances were asked to stop or terminate.
func (h *faultHook) noteLocked(action string, params url.Values) {
	var m map[string]time.Time
	switch action {
	case "StopInstances":
		m = h.stopped
	case "TerminateInstances":
		m = h.ended
	default:
		return
	}
	for _, id := range InstanceIDs(params) {
		m[id] = time.Now()
	}
}

// InstanceIDs returns the InstanceId.N parameters of a call.
func InstanceIDs(params url.Values) []string {
	var ids []string
	for k, vs := range params {
		if strings.HasPrefix(k, "InstanceId.") {
			ids = append(ids, vs...)
		}
	}
	return ids
}
