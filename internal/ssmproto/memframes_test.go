package ssmproto

import (
	"io"
	"sync"
)

// memFrames is one end of an in-memory websocket. The sender's fault
// decides, per binary frame, whether it is lost, held back behind the next
// one (reordered), or delivered.
type memFrames struct {
	in, out chan frame
	fault   func(n int) string // "drop", "hold" or ""
	mu      sync.Mutex
	n       int
	held    *frame
	closed  chan struct{}
	once    *sync.Once // shared by both ends: closing one closes the link
}

type frame struct {
	typ  int
	data []byte
}

func memPair(faultAtoB, faultBtoA func(int) string) (*memFrames, *memFrames) {
	ab, ba := make(chan frame, 10000), make(chan frame, 10000)
	closed, once := make(chan struct{}), new(sync.Once)
	return &memFrames{in: ba, out: ab, fault: faultAtoB, closed: closed, once: once},
		&memFrames{in: ab, out: ba, fault: faultBtoA, closed: closed, once: once}
}

func (f *memFrames) ReadMessage() (int, []byte, error) {
	select {
	case fr := <-f.in:
		return fr.typ, fr.data, nil
	case <-f.closed:
		return 0, nil, io.EOF
	}
}

func (f *memFrames) WriteMessage(typ int, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	fr := frame{typ, append([]byte(nil), data...)}
	switch {
	case f.fault != nil && f.fault(f.n) == "drop":
		return nil
	case f.fault != nil && f.fault(f.n) == "hold" && f.held == nil:
		f.held = &fr
		return nil
	}
	f.out <- fr
	if f.held != nil {
		f.out <- *f.held
		f.held = nil
	}
	return nil
}

func (f *memFrames) Close() error {
	f.once.Do(func() { close(f.closed) })
	return nil
}

// lossy drops every 5th frame and holds every 7th behind the next.
func lossy(n int) string {
	switch {
	case n%5 == 0:
		return "drop"
	case n%7 == 0:
		return "hold"
	}
	return ""
}
