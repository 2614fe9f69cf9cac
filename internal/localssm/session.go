package localssm

import (
	"encoding/json"
	"sync"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmproto"
)

// Session states.
const (
	stateStarted    = "Started"    // StartSession answered, no data channel yet
	stateConnected  = "Connected"  // a client opened the data channel
	stateTerminated = "Terminated" // TerminateSession, the client's flag, or the end of the channel
)

// session is one port-forwarding session.
type session struct {
	s      *StandIn
	id     string
	target string
	port   int
	token  string
	params map[string][]string

	mu            sync.Mutex
	state         string
	signed        bool
	clientVersion string
	encrypted     bool
	streams       int
	ch            *ssmproto.Channel
	once          sync.Once
}

// SessionInfo is what a test may check about a session.
type SessionInfo struct {
	Target string
	Port   int
	State  string
	// Signed says the data channel's websocket request carried a SigV4
	// Authorization header, as AWS's client sends it.
	Signed        bool
	ClientVersion string
	// Encrypted says the session's data was encrypted with a KMS data key.
	Encrypted bool
	// Streams is how many connections were forwarded to the port.
	Streams int
	// Token is the session's TokenValue.
	Token string
}

func (s *StandIn) newSession(target string, port int, params map[string][]string) *session {
	se := &session{s: s, id: "localssm-" + randomHex(9)[:17], target: target, port: port, token: randomHex(32),
		params: params, state: stateStarted}
	s.mu.Lock()
	s.sessions[se.id] = se
	s.mu.Unlock()
	return se
}

func (se *session) info() SessionInfo {
	se.mu.Lock()
	defer se.mu.Unlock()
	return SessionInfo{Target: se.target, Port: se.port, State: se.state, Signed: se.signed,
		ClientVersion: se.clientVersion, Encrypted: se.encrypted, Streams: se.streams, Token: se.token}
}

// connect makes ch the session's data channel; only a started session
// takes one.
func (se *session) connect(ch *ssmproto.Channel, signed bool) bool {
	se.mu.Lock()
	defer se.mu.Unlock()
	if se.state != stateStarted {
		return false
	}
	se.state, se.ch, se.signed = stateConnected, ch, signed
	return true
}

// terminate ends the session, telling the client why as the service does
// (channel_closed).
func (se *session) terminate(reason string) {
	se.once.Do(func() {
		se.mu.Lock()
		se.state = stateTerminated
		ch := se.ch
		se.mu.Unlock()
		if ch == nil {
			return
		}
		body, _ := json.Marshal(ssmproto.ChannelClosedContent{SessionID: se.id, DestinationID: se.target,
			MessageType: ssmproto.ChannelClosed, SchemaVersion: 1, Output: reason})
		_ = ch.Notify(ssmproto.ChannelClosed, body)
		ch.Close()
		se.s.logf("session %s ended: %s", se.id, reason)
	})
}
