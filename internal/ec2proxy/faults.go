package ec2proxy

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Faults says what the proxy does to the EC2 calls passing through it. The
// zero value forwards everything unchanged.
type Faults struct {
	// ThrottleFraction of calls (0..1) get 503 RequestLimitExceeded.
	ThrottleFraction float64
	// ErrorFraction of calls (0..1) get 500 InternalError.
	ErrorFraction float64
	// HideNewFor: an image or instance ID created through the proxy is
	// answered with InvalidAMIID.NotFound / InvalidInstanceID.NotFound by
	// calls naming it, for this long after its creation (EC2's eventual
	// consistency).
	HideNewFor time.Duration
	// ImagesPendingFor: DescribeImages shows images created through the
	// proxy as "pending" for this long (moto makes them available at once).
	ImagesPendingFor time.Duration
	// FailImages: after ImagesPendingFor, such images show "failed" instead
	// of "available".
	FailImages bool
	// InstancesPendingFor, StoppingFor, TerminatingFor: DescribeInstances
	// shows an instance "pending" this long after RunInstances, "stopping"
	// after StopInstances, "shutting-down" after TerminateInstances (moto
	// changes states at once), so waits take as long as on a real region.
	InstancesPendingFor time.Duration
	StoppingFor         time.Duration
	TerminatingFor      time.Duration
	// HoldOnly limits ImagesPendingFor to images made by these actions
	// (e.g. "CopyImage"); empty means every image.
	HoldOnly []string
	// InstanceAddresses replaces instance addresses in RunInstances and
	// DescribeInstances answers, keyed by EC2's XML element: "ipAddress"
	// (public IP), "privateIpAddress", "dnsName" (public DNS),
	// "privateDnsName". moto's addresses lead nowhere; this points them at
	// a local SSH server (or at nothing) to test ssh_interface for real.
	InstanceAddresses map[string]string
	// FleetErrors: the first len(FleetErrors) CreateFleet calls launch
	// nothing, the Nth answering with FleetErrors[N] (e.g.
	// "InsufficientInstanceCapacity") for each instance type asked for, as
	// EC2 does when it has no Spot capacity; later calls go through. Such a
	// fleet exists only in the proxy, which also answers its DeleteFleets.
	FleetErrors []string
	// InterruptSpotAfter: this long after CreateFleet launched an instance
	// (0: never), EC2 gives the Spot interruption notice: its Spot request
	// shows "marked-for-termination". SpotNoticeFor later EC2 takes it back:
	// DescribeInstances shows it terminated (Server.SpotInstanceTermination),
	// the request closed (instance-terminated-no-capacity), and calls that
	// need a live instance answer IncorrectInstanceState. Setting it during
	// a build (SetFaults) interrupts instances launched long enough ago at
	// once.
	InterruptSpotAfter time.Duration
	SpotNoticeFor      time.Duration
}

// faultHook injects Faults. It remembers what was created, stopped and
// terminated through the proxy, and when.
type faultHook struct {
	mu      sync.Mutex
	faults  Faults
	created map[string]time.Time // image/instance ID -> creation time
	madeBy  map[string]string    // image/instance ID -> creating action
	stopped map[string]time.Time // instance ID -> StopInstances time
	ended   map[string]time.Time // instance ID -> TerminateInstances time
	spot    spotFaults
	rng     *rand.Rand
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
	h.spot = newSpotFaults()
}

// Before picks the fault for one call, or notes the stop or terminate it
// asks for when it goes through.
func (h *faultHook) Before(c *Call) *Answer {
	h.mu.Lock()
	defer h.mu.Unlock()
	status, code := h.injectLocked(c.Params)
	if code != "" {
		return ErrorAnswer(status, code, "injected by ec2test proxy")
	}
	if a := h.spotBeforeLocked(c); a != nil {
		return a
	}
	h.noteLocked(c.Action, c.Params)
	return nil
}

func (h *faultHook) injectLocked(params url.Values) (int, string) {
	f := h.faults
	if f.ThrottleFraction > 0 && h.rng.Float64() < f.ThrottleFraction {
		return http.StatusServiceUnavailable, "RequestLimitExceeded"
	}
	if f.ErrorFraction > 0 && h.rng.Float64() < f.ErrorFraction {
		return http.StatusInternalServerError, "InternalError"
	}
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
