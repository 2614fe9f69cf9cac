// Package localssm is a local stand-in for AWS Systems Manager Session
// Manager, for the local cloud and tests (moto does not implement
// sessions): the SSM API's StartSession and TerminateSession, and the
// data channel their StreamUrl names, a websocket on loopback where the
// stand-in plays the instance's SSM agent with the real protocol
// (internal/ssmproto) and connects each of the client's multiplexed
// connections to the instance's port. Like AWS it refuses a session with
// TargetNotConnected while the instance's agent could not be online: the
// instance is not running, has not booted long enough, or its instance
// profile does not let the agent register. Never linked into the plugin.
package localssm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
)

// Targets says whether an instance's SSM agent is online; a nil error
// means it is, an error why not (the client is told TargetNotConnected).
type Targets interface {
	Online(ctx context.Context, region, instanceID string) error
}

// Host reaches the instances' ports (the local cloud dials into an
// instance's network namespace).
type Host interface {
	Dial(ctx context.Context, instanceID string, port int) (net.Conn, error)
}

// Config is what a stand-in needs.
type Config struct {
	Targets Targets
	Host    Host
	// AgentVersion is the version the stand-in's agent reports. Default:
	// a current amazon-ssm-agent's.
	AgentVersion string
	// KMSKeyID, when set, makes the agent ask clients to encrypt the
	// session with that KMS key, as AWS does when the account's Session
	// Manager preferences say so; KMS then decrypts the data key.
	KMSKeyID string
	KMS      KMS
	// DropEvery, when > 1, loses every DropEvery-th frame the agent side
	// sends, so clients must acknowledge and resend as on a real link.
	DropEvery int
	Log       *log.Logger
}

// DefaultAgentVersion is the agent version the stand-in reports.
const DefaultAgentVersion = "3.3.1142.0"

// StandIn serves the SSM session API and data channels.
type StandIn struct {
	cfg Config

	mu       sync.Mutex
	sessions map[string]*session
	calls    []Call
}

// Call is one SSM API call the stand-in answered.
type Call struct {
	Action     string
	Region     string
	Target     string
	Document   string
	Parameters map[string][]string
	SessionID  string
	// Error is the error code answered ("" for success).
	Error string
}

// New returns a stand-in.
func New(cfg Config) *StandIn {
	if cfg.AgentVersion == "" {
		cfg.AgentVersion = DefaultAgentVersion
	}
	if cfg.Log == nil {
		cfg.Log = log.New(log.Writer(), "localssm: ", log.LstdFlags)
	}
	return &StandIn{cfg: cfg, sessions: map[string]*session{}}
}

// dataChannelPath is where the stand-in's data channels are.
const dataChannelPath = "/localssm/data-channel/"

// Handler serves the stand-in's SSM calls and data channels, and passes
// every other request to next (e.g. moto, for SSM parameters).
func (s *StandIn) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch target := r.Header.Get("X-Amz-Target"); {
		case strings.HasPrefix(r.URL.Path, dataChannelPath):
			s.serveDataChannel(w, r)
		case target == "AmazonSSM.StartSession", target == "AmazonSSM.TerminateSession", target == "AmazonSSM.ResumeSession":
			s.serveAPI(w, r, strings.TrimPrefix(target, "AmazonSSM."), next)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// Calls returns the SSM calls answered so far.
func (s *StandIn) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Sessions returns the stand-in's sessions by ID.
func (s *StandIn) Sessions() map[string]SessionInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]SessionInfo{}
	for id, se := range s.sessions {
		out[id] = se.info()
	}
	return out
}

// Close ends every session.
func (s *StandIn) Close() {
	s.mu.Lock()
	all := make([]*session, 0, len(s.sessions))
	for _, se := range s.sessions {
		all = append(all, se)
	}
	s.mu.Unlock()
	for _, se := range all {
		se.terminate("the local cloud stopped")
	}
}

func (s *StandIn) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *StandIn) logf(format string, args ...any) { s.cfg.Log.Printf(format, args...) }
