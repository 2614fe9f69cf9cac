package ssmproto

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Frames is the websocket a Channel runs on (gorilla's *websocket.Conn).
type Frames interface {
	ReadMessage() (messageType int, p []byte, err error)
	WriteMessage(messageType int, data []byte) error
	Close() error
}

// Websocket frame types (RFC 6455).
const (
	TextFrame   = 1
	BinaryFrame = 2
)

// ErrClosed is the error of a channel closed by its own side.
var ErrClosed = errors.New("data channel closed")

// ClosedByServiceError is the error of a channel the service closed (the
// session was terminated, timed out or failed); Output is its reason.
type ClosedByServiceError struct{ Output string }

func (e *ClosedByServiceError) Error() string {
	if e.Output == "" {
		return "the session was closed by Session Manager"
	}
	return "the session was closed by Session Manager: " + e.Output
}

// Channel is one side of a session's data channel: it numbers and sends
// stream messages, acknowledges and orders the other side's, and sends
// again what the other side does not acknowledge in time.
type Channel struct {
	frames   Frames
	sends    string // the stream message type this side sends
	receives string
	opts     Options

	writeMu sync.Mutex
	out     outgoing

	in       chan *Message
	rmu      sync.Mutex         // guards expected and early, and adding to in
	expected int64              // the next sequence number to deliver
	early    map[int64]*Message // arrived ahead of expected, acknowledged

	closeOnce sync.Once
	done      chan struct{}
	err       error
}

// NewChannel runs a channel on frames; sends is InputStreamData for the
// client's side, OutputStreamData for the agent's.
func NewChannel(frames Frames, sends string, opts Options) *Channel {
	c := &Channel{frames: frames, sends: sends, receives: OutputStreamData, opts: opts.withDefaults(),
		in: make(chan *Message, inQueue), early: map[int64]*Message{}, done: make(chan struct{})}
	if sends == OutputStreamData {
		c.receives = InputStreamData
	}
	c.out.init(c.opts.Window)
	go c.readLoop()
	go c.resendLoop()
	return c
}

// Send sends one stream message, waiting while Window messages await
// acknowledgement.
func (c *Channel) Send(pt PayloadType, payload []byte) error {
	seq, err := c.out.reserve(c.done)
	if err != nil {
		return c.Err()
	}
	m := &Message{Type: c.sends, SchemaVersion: 1, CreatedDate: time.Now(), SequenceNumber: seq,
		ID: uuid.New(), PayloadType: pt, Payload: payload}
	raw, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	c.out.add(seq, raw)
	return c.write(raw)
}

// Notify sends a message outside the stream (not numbered, not
// acknowledged): the service's channel_closed, start_publication and
// pause_publication.
func (c *Channel) Notify(typ string, payload []byte) error {
	m := &Message{Type: typ, SchemaVersion: 1, CreatedDate: time.Now(), ID: uuid.New(), Payload: payload}
	raw, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	return c.write(raw)
}

// inQueue is how many received messages wait for Receive (4 MiB of
// port data).
const inQueue = 4096

// Receive returns the other side's next stream message, in order.
func (c *Channel) Receive(ctx context.Context) (*Message, error) {
	select {
	case m := <-c.in:
		return c.taken(m), nil
	default:
	}
	select {
	case m := <-c.in:
		return c.taken(m), nil
	case <-c.done:
		return nil, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// taken makes room for messages that arrived early and wait for it.
func (c *Channel) taken(m *Message) *Message {
	c.rmu.Lock()
	c.drainLocked()
	c.rmu.Unlock()
	return m
}

// Done is closed when the channel ends; Err then says why.
func (c *Channel) Done() <-chan struct{} { return c.done }

// Err is why the channel ended (nil while it runs).
func (c *Channel) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// Close ends the channel and its websocket.
func (c *Channel) Close() error {
	c.fail(ErrClosed)
	return nil
}

func (c *Channel) fail(err error) {
	c.closeOnce.Do(func() {
		c.err = err
		close(c.done)
		c.out.wake()
		_ = c.frames.Close()
	})
}

func (c *Channel) write(raw []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.frames.WriteMessage(BinaryFrame, raw); err != nil {
		c.fail(fmt.Errorf("writing to the data channel: %w", err))
		return c.err
	}
	return nil
}

func (c *Channel) resendLoop() {
	t := time.NewTicker(c.opts.ResendTick)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
		}
		raw, stuck := c.out.due(time.Now(), c.opts.GiveUpAfter)
		if stuck {
			c.fail(fmt.Errorf("the other side acknowledged nothing for %s", c.opts.GiveUpAfter))
			return
		}
		if raw != nil && c.write(raw) != nil {
			return
		}
	}
}
