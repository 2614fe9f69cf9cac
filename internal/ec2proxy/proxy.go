// Package ec2proxy is a reverse proxy in front of moto (the local EC2 API)
// that records every EC2 Query call and lets hooks change calls and answers.
// The faults real EC2 shows and moto does not (internal/ec2test) and the
// local cloud's instances (internal/localcloud) are such hooks. Test and
// demo support only: nothing here is linked into the plugin binary.
package ec2proxy

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Call is one EC2 call as the proxy saw it.
type Call struct {
	Action string
	Region string
	// Service is the signing name of the API called ("ec2", "iam" …).
	Service string
	Params  url.Values
	At      time.Time
	// AccessKey is the access key ID that signed the call, SessionToken the
	// session token sent with it (temporary credentials), so tests can tell
	// whose credentials a client used.
	AccessKey, SessionToken string

	ctx       context.Context
	header    http.Header
	body      []byte
	path      string
	host      string
	rewritten bool
	scratch   map[string]any // what a hook's Before tells its After
}

// Rewrite replaces the parameters sent to moto (a hook's Before changes
// what moto sees, e.g. drops a part moto cannot handle). The request is
// signed again with the caller's key (SetCredentials).
func (c *Call) Rewrite(params url.Values) {
	c.Params, c.rewritten = params, true
}

func (c *Call) context() context.Context {
	if c.ctx == nil {
		return context.Background()
	}
	return c.ctx
}

// Answer is a reply a hook gives instead of moto's.
type Answer struct {
	Status int
	Body   []byte
}

// A Hook takes part in every EC2 call that passes through the proxy. Each
// hook keeps its own lock: calls arrive concurrently.
type Hook interface {
	// Before runs before the call goes to moto, in the order hooks were
	// added; the first non-nil Answer is sent instead of calling moto.
	Before(c *Call) *Answer
	// After runs on moto's successful (HTTP 200) answer, in the same
	// order, and returns the body to pass on.
	After(c *Call, body []byte) []byte
}

// A Resetter is a hook with state to forget when the proxy is reset, or
// when moto's state is reset through the proxy (POST /moto-api/reset).
type Resetter interface {
	Reset()
}

// Proxy forwards EC2 calls to moto. Create it with New; it is an
// http.Handler.
type Proxy struct {
	target string
	faults *faultHook
	strict *strictHook

	keyMu   sync.Mutex
	secrets map[string]string // access key ID -> secret, to sign rewritten calls
	admin   string            // the access key the proxy's own calls use

	mu       sync.Mutex
	hooks    []Hook
	requests []Call
}

// New returns a proxy in front of the moto at target (its URL). It always
// has the fault hook (SetFaults; it forwards everything until told
// otherwise), the strict hook (EC2's behaviour moto lacks; the refusals
// after a create when the faults say so) and the hook that makes moto's
// instant-fleet instances what EC2 launches (fleetGroups) before any hook
// added with Use; after those it answers the calls moto does not implement
// (so a test hook can still fail one of those).
func New(target string) *Proxy {
	p := &Proxy{target: target, faults: newFaultHook(), secrets: map[string]string{"test": "test"}, admin: "test"}
	p.strict = newStrictHook(p)
	p.hooks = []Hook{p.faults, p.strict, fleetGroups{p: p}}
	return p
}

// Use adds a hook after those already there.
func (p *Proxy) Use(h Hook) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hooks = append(p.hooks, h)
}

// SetFaults replaces the faults injected from now on.
func (p *Proxy) SetFaults(f Faults) {
	p.faults.set(f)
	p.strict.set(f)
}

// Requests returns the calls seen so far, optionally only those of the
// given actions. Dry runs (DryRun=true: EC2 only checks the permission)
// are left out: they make and change nothing, and a test counting a
// builder's TerminateInstances or DeleteFleets counts the real ones.
func (p *Proxy) Requests(actions ...string) []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Call
	for _, r := range p.requests {
		if r.Params.Get("DryRun") == "true" {
			continue
		}
		if len(actions) == 0 || contains(actions, r.Action) {
			out = append(out, r)
		}
	}
	return out
}

// Reset forgets recorded requests, and what the hooks remember.
func (p *Proxy) Reset() {
	p.mu.Lock()
	p.requests = nil
	hooks := append([]Hook(nil), p.hooks...)
	p.mu.Unlock()
	for _, h := range hooks {
		if r, ok := h.(Resetter); ok {
			r.Reset()
		}
	}
}

// hooksNow returns the hooks in order, as record does.
func (p *Proxy) hooksNow() []Hook {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append(append([]Hook(nil), p.hooks...), unimplemented{})
}

// record logs c and returns the hooks to run on it, the answers for what
// moto lacks last.
func (p *Proxy) record(c Call) []Hook {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = append(p.requests, c)
	return append(append([]Hook(nil), p.hooks...), unimplemented{})
}

var _ http.Handler = (*Proxy)(nil)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
