package localssm

import (
	"strconv"
	"strings"
	"sync"

	"github.com/gorilla/websocket"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmproto"
)

// frames is the websocket as the agent's channel uses it, losing every
// DropEvery-th stream or acknowledgement frame when asked to.
func (s *StandIn) frames(ws *websocket.Conn) ssmproto.Frames {
	if s.cfg.DropEvery < 2 {
		return ws
	}
	return &lossyFrames{Conn: ws, every: s.cfg.DropEvery}
}

type lossyFrames struct {
	*websocket.Conn
	every int
	mu    sync.Mutex
	n     int
}

func (f *lossyFrames) WriteMessage(typ int, data []byte) error {
	if m, err := ssmproto.ParseMessage(data); err == nil && (m.Type == ssmproto.OutputStreamData || m.Type == ssmproto.Acknowledge) {
		f.mu.Lock()
		f.n++
		drop := f.n%f.every == 0
		f.mu.Unlock()
		if drop {
			return nil
		}
	}
	return f.Conn.WriteMessage(typ, data)
}

// atLeast reports whether dotted version v is base or newer.
func atLeast(v, base string) bool {
	a, b := strings.Split(v, "."), strings.Split(base, ".")
	for i := 0; i < max(len(a), len(b)); i++ {
		x, y := num(a, i), num(b, i)
		if x != y {
			return x > y
		}
	}
	return true
}

func num(p []string, i int) int {
	if i >= len(p) {
		return 0
	}
	n, err := strconv.Atoi(p[i])
	if err != nil {
		return -1
	}
	return n
}
