package localssm

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/xtaci/smux"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmproto"
)

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveDataChannel is a session's websocket: the client sends its token,
// then the stand-in's agent shakes hands and forwards connections.
func (s *StandIn) serveDataChannel(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, dataChannelPath)
	s.mu.Lock()
	se := s.sessions[id]
	s.mu.Unlock()
	if se == nil {
		http.Error(w, "no session "+id, http.StatusNotFound)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	typ, first, err := ws.ReadMessage()
	var open ssmproto.OpenDataChannelInput
	if err != nil || typ != websocket.TextMessage || json.Unmarshal(first, &open) != nil || open.TokenValue != se.token {
		s.logf("session %s: data channel refused: no valid token (%v)", id, err)
		ws.Close()
		return
	}
	_ = ws.SetReadDeadline(time.Time{})
	ch := ssmproto.NewChannel(s.frames(ws), ssmproto.OutputStreamData, ssmproto.Options{})
	if !se.connect(ch, r.Header.Get("Authorization") != "") {
		ch.Close()
		return
	}
	if err := se.agent(ch); err != nil {
		se.terminate(err.Error())
	}
}

// agent plays the instance's SSM agent: the handshake, then a smux server
// whose streams it connects to the instance's port.
func (se *session) agent(ch *ssmproto.Channel) error {
	version, cipher, err := se.handshake(ch)
	if err != nil {
		return err
	}
	se.mu.Lock()
	se.clientVersion, se.encrypted = version, cipher != nil
	se.mu.Unlock()
	conf := smux.DefaultConfig()
	conf.KeepAliveDisabled = true // as agents after 3.1.1511.0
	mux, err := smux.Server(ssmproto.Bridge(ch, func(f ssmproto.FlagValue) {
		if f == ssmproto.TerminateSession {
			se.terminate("Session terminated by the client")
		}
	}, cipher), conf)
	if err != nil {
		return err
	}
	defer mux.Close()
	for {
		stream, err := mux.AcceptStream()
		if err != nil {
			se.terminate("the data channel ended")
			return nil
		}
		go se.forward(ch, stream)
	}
}

// forward connects one client connection to the instance's port; when
// that fails it tells the client, as the agent does.
func (se *session) forward(ch *ssmproto.Channel, stream *smux.Stream) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	conn, err := se.s.cfg.Host.Dial(ctx, se.target, se.port)
	cancel()
	if err != nil {
		se.s.logf("session %s: port %d of %s: %v", se.id, se.port, se.target, err)
		_ = ch.Send(ssmproto.Flag, ssmproto.ConnectToPortError.Bytes())
		stream.Close()
		return
	}
	se.mu.Lock()
	se.streams++
	se.mu.Unlock()
	ssmproto.Splice(stream, conn)
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}
