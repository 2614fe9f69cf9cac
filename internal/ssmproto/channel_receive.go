package ssmproto

import (
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/google/uuid"
)

// readLoop reads frames until the websocket fails: the other side's stream
// messages are acknowledged and delivered in order, acknowledgements free
// the window, channel_closed ends the channel.
func (c *Channel) readLoop() {
	for {
		typ, data, err := c.frames.ReadMessage()
		if err != nil {
			c.fail(fmt.Errorf("reading from the data channel: %w", err))
			return
		}
		if typ != BinaryFrame {
			continue
		}
		m, err := ParseMessage(data)
		if err != nil {
			log.Printf("[WARN] ssm data channel: dropping a frame: %v", err)
			continue
		}
		switch m.Type {
		case c.receives:
			c.receive(m)
		case Acknowledge:
			var a AcknowledgeContent
			if json.Unmarshal(m.Payload, &a) == nil {
				c.out.acked(a.SequenceNumber)
			}
		case ChannelClosed:
			var cc ChannelClosedContent
			_ = json.Unmarshal(m.Payload, &cc)
			c.fail(&ClosedByServiceError{Output: cc.Output})
			return
		}
	}
}

// maxEarly bounds the messages kept that arrived ahead of a missing one;
// beyond it they are left unacknowledged, so the sender sends them again.
const maxEarly = 10000

// receive acknowledges and delivers a stream message in sequence order.
// The read loop never waits for the consumer: when the delivery queue is
// full the message is left unacknowledged, and the sender sends it again
// later (its window stops it sending more meanwhile). Waiting instead would
// also stop the acknowledgements of what this side sends.
func (c *Channel) receive(m *Message) {
	c.rmu.Lock()
	switch {
	case m.SequenceNumber < c.expected: // sent again; acknowledge again
	case m.SequenceNumber > c.expected:
		if len(c.early) >= maxEarly {
			c.rmu.Unlock()
			return
		}
		c.early[m.SequenceNumber] = m
	case len(c.in) == cap(c.in):
		c.rmu.Unlock()
		return
	default:
		c.push(m)
		c.drainLocked()
	}
	c.rmu.Unlock()
	c.acknowledge(m)
}

// push queues the next message in order; the caller holds rmu and has
// checked there is room (only holders of rmu add to the queue).
func (c *Channel) push(m *Message) {
	c.in <- m
	c.expected++
}

// drainLocked queues messages that arrived early and are now next, while
// there is room.
func (c *Channel) drainLocked() {
	for len(c.in) < cap(c.in) {
		next, ok := c.early[c.expected]
		if !ok {
			return
		}
		delete(c.early, c.expected)
		c.push(next)
	}
}

func (c *Channel) acknowledge(m *Message) {
	content, _ := json.Marshal(AcknowledgeContent{MessageType: m.Type, MessageID: m.ID.String(),
		SequenceNumber: m.SequenceNumber, IsSequentialMessage: true})
	ack := &Message{Type: Acknowledge, SchemaVersion: 1, CreatedDate: time.Now(), Flags: 3, ID: uuid.New(), Payload: content}
	raw, err := ack.MarshalBinary()
	if err == nil {
		_ = c.write(raw)
	}
}
