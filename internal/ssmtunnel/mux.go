package ssmtunnel

import (
	"fmt"
	"log"
	"net"

	"github.com/xtaci/smux"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmproto"
)

// session is a live port session: smux runs over the data channel, one
// smux stream per local connection, which the agent connects to the port.
type session struct {
	id  string
	ch  *ssmproto.Channel
	mux *smux.Session
}

func newSession(id string, ch *ssmproto.Channel, agentVersion string, c *ssmproto.SessionCipher) (*session, error) {
	conf := smux.DefaultConfig()
	// Newer agents run smux without keep-alives (they would defeat the
	// session's idle timeout) and expect clients to do the same.
	conf.KeepAliveDisabled = newer(agentVersion, noKeepAliveMuxAfter)
	mux, err := smux.Client(ssmproto.Bridge(ch, func(f ssmproto.FlagValue) {
		if f == ssmproto.ConnectToPortError {
			log.Printf("[DEBUG] session %s: the agent could not connect to the instance's port (not listening yet?)", id)
		}
	}, c), conf)
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", id, err)
	}
	return &session{id: id, ch: ch, mux: mux}, nil
}

func (s *session) alive() bool { return !s.mux.IsClosed() && s.ch.Err() == nil }

// open starts a new connection to the instance's port.
func (s *session) open() (net.Conn, error) { return s.mux.OpenStream() }

// end tells the agent to end the session (it stops at once, rather than at
// the service's idle timeout) and closes it here.
func (s *session) end() {
	if s.ch.Err() == nil {
		_ = s.ch.Send(ssmproto.Flag, ssmproto.TerminateSession.Bytes())
	}
	s.ch.Close()
	s.mux.Close()
}
