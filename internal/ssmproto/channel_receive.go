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
func (c *Channel) receive(m *Message) {
	switch {
	case m.SequenceNumber < c.expected: // sent again; acknowledge again
	case m.SequenceNumber > c.expected:
		if len(c.early) >= maxEarly {
			return
		}
		c.early[m.SequenceNumber] = m
	default:
		c.acknowledge(m)
		c.deliver(m)
		for next, ok := c.early[c.expected]; ok; next, ok = c.early[c.expected] {
			delete(c.early, c.expected)
			c.deliver(next)
		}
		return
	}
	c.acknowledge(m)
}

func (c *Channel) deliver(m *Message) {
	c.expected++
	select {
	case c.in <- m:
	case <-c.done:
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
