package ec2test

import (
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
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
}

// Request is one EC2 call as the proxy saw it.
type Request struct {
	Action string
	Region string
	Params url.Values
	At     time.Time
}

// Proxy is a reverse proxy in front of moto that records every EC2 Query
// request and injects the faults real EC2 shows and moto does not. It also
// answers EnableImageDeprecation, which moto 5.2.1 does not implement, so
// tests can assert on the request. Stopped when the test ends.
type Proxy struct {
	URL    string
	target string
	moto   *Moto

	mu       sync.Mutex
	faults   Faults
	requests []Request
	created  map[string]time.Time // image/instance ID -> creation time
	madeBy   map[string]string    // image/instance ID -> creating action
	stopped  map[string]time.Time // instance ID -> StopInstances time
	ended    map[string]time.Time // instance ID -> TerminateInstances time
	rng      *rand.Rand
}

// StartProxy starts a proxy in front of m on a free loopback port.
func StartProxy(t testing.TB, m *Moto) *Proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p := &Proxy{URL: "http://" + l.Addr().String(), target: m.URL, moto: m,
		created: map[string]time.Time{}, madeBy: map[string]string{},
		stopped: map[string]time.Time{}, ended: map[string]time.Time{}, rng: rand.New(rand.NewPCG(1, 2))}
	srv := &http.Server{Handler: p}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return p
}

// StartProxyURL starts a proxy in front of a moto started elsewhere (e.g.
// by localcloud/up.sh), given its endpoint URL.
func StartProxyURL(t testing.TB, motoURL string) *Proxy {
	t.Helper()
	return StartProxy(t, &Moto{URL: motoURL})
}

// SetFaults replaces the faults injected from now on.
func (p *Proxy) SetFaults(f Faults) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = f
}

// Requests returns the calls seen so far, optionally only those of the
// given actions.
func (p *Proxy) Requests(actions ...string) []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Request
	for _, r := range p.requests {
		if len(actions) == 0 || contains(actions, r.Action) {
			out = append(out, r)
		}
	}
	return out
}

// Reset forgets recorded requests and created IDs.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests, p.created, p.madeBy = nil, map[string]time.Time{}, map[string]string{}
	p.stopped, p.ended = map[string]time.Time{}, map[string]time.Time{}
}

// Env is Moto.Env with the endpoint pointing at the proxy.
func (p *Proxy) Env() []string {
	env := p.moto.Env()
	for i, kv := range env {
		if strings.HasPrefix(kv, "AWS_ENDPOINT_URL=") {
			env[i] = "AWS_ENDPOINT_URL=" + p.URL
		}
	}
	return env
}

// SetEnv applies Env to the current test process.
func (p *Proxy) SetEnv(t testing.TB) {
	t.Helper()
	for _, kv := range p.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
