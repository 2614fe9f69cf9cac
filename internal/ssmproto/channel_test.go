package ssmproto

import (
	"context"
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

func fastOptions() Options {
	return Options{ResendTick: 5 * time.Millisecond, GiveUpAfter: time.Minute}
}

// TestChannelDeliversEverythingInOrderOverALossyLink: with frames (stream
// data and acknowledgements alike) lost and reordered both ways, each side
// receives every message of the other exactly once and in order, and in
// the end nothing awaits acknowledgement.
func TestChannelDeliversEverythingInOrderOverALossyLink(t *testing.T) {
	a, b := memPair(lossy, lossy)
	client := NewChannel(a, InputStreamData, fastOptions())
	agent := NewChannel(b, OutputStreamData, fastOptions())
	defer client.Close()
	const n = 150
	send := func(c *Channel) {
		for i := 0; i < n; i++ {
			if err := c.Send(Output, binary.BigEndian.AppendUint32(nil, uint32(i))); err != nil {
				t.Error(err)
				return
			}
		}
	}
	go send(client)
	go send(agent)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, side := range []struct {
		name string
		c    *Channel
		typ  string
	}{{"agent", agent, InputStreamData}, {"client", client, OutputStreamData}} {
		for i := 0; i < n; i++ {
			m, err := side.c.Receive(ctx)
			if err != nil {
				t.Fatalf("%s: message %d: %v", side.name, i, err)
			}
			if got := binary.BigEndian.Uint32(m.Payload); got != uint32(i) || m.SequenceNumber != int64(i) || m.Type != side.typ {
				t.Fatalf("%s: message %d is %s #%d carrying %d", side.name, i, m.Type, m.SequenceNumber, got)
			}
		}
	}
	for deadline := time.Now().Add(20 * time.Second); client.out.unacknowledged()+agent.out.unacknowledged() > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("still unacknowledged: client %d, agent %d", client.out.unacknowledged(), agent.out.unacknowledged())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestChannelWindowHoldsTheSender: with nobody acknowledging, Send blocks
// once Window messages are unacknowledged, and returns when the channel is
// closed.
func TestChannelWindowHoldsTheSender(t *testing.T) {
	a, _ := memPair(nil, nil)
	c := NewChannel(a, InputStreamData, Options{Window: 3, ResendTick: time.Hour})
	for i := 0; i < 3; i++ {
		if err := c.Send(Output, []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	blocked := make(chan error)
	go func() { blocked <- c.Send(Output, []byte{3}) }()
	select {
	case err := <-blocked:
		t.Fatalf("fourth Send returned %v with a window of 3", err)
	case <-time.After(50 * time.Millisecond):
	}
	c.Close()
	if err := <-blocked; !errors.Is(err, ErrClosed) {
		t.Errorf("blocked Send returned %v after Close, want ErrClosed", err)
	}
}

// TestChannelEndsWhenTheServiceClosesIt: a channel_closed message ends the
// channel with the service's reason.
func TestChannelEndsWhenTheServiceClosesIt(t *testing.T) {
	a, b := memPair(nil, nil)
	c := NewChannel(a, InputStreamData, fastOptions())
	closing := &Message{Type: ChannelClosed, SchemaVersion: 1, CreatedDate: time.Now(),
		Payload: []byte(`{"Output":"Session terminated by the user","SessionId":"s-1"}`)}
	raw, _ := closing.MarshalBinary()
	_ = b.WriteMessage(BinaryFrame, raw)
	_, err := c.Receive(context.Background())
	var cbs *ClosedByServiceError
	if !errors.As(err, &cbs) || cbs.Output != "Session terminated by the user" {
		t.Fatalf("Receive: %v, want the service's reason", err)
	}
}

// TestChannelGivesUpOnASilentPeer: a message nobody acknowledges ends the
// channel after GiveUpAfter, with an error saying so.
func TestChannelGivesUpOnASilentPeer(t *testing.T) {
	a, _ := memPair(nil, nil)
	c := NewChannel(a, InputStreamData, Options{ResendTick: 5 * time.Millisecond, GiveUpAfter: 50 * time.Millisecond})
	if err := c.Send(Output, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Done():
		if c.Err() == nil || c.Err() == ErrClosed {
			t.Errorf("ended with %v", c.Err())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("channel never gave up")
	}
}

// TestChannelSlowConsumerDoesNotStallTheOtherDirection: while one side's
// consumer reads nothing (and more arrives than its queue holds), what
// that side sends is still acknowledged and delivered; once it reads, it
// gets everything, in order.
func TestChannelSlowConsumerDoesNotStallTheOtherDirection(t *testing.T) {
	a, b := memPair(nil, nil)
	client := NewChannel(a, InputStreamData, fastOptions())
	agent := NewChannel(b, OutputStreamData, fastOptions())
	defer client.Close()
	const flood = inQueue + 2000
	go func() {
		for i := 0; i < flood; i++ {
			if agent.Send(Output, binary.BigEndian.AppendUint32(nil, uint32(i))) != nil {
				return
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for len(client.in) < inQueue { // the client's queue is full
		if ctx.Err() != nil {
			t.Fatal("the client's queue never filled")
		}
		time.Sleep(time.Millisecond)
	}
	for i := 0; i < 100; i++ {
		if err := client.Send(Output, []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
		if m, err := agent.Receive(ctx); err != nil || m.Payload[0] != byte(i) {
			t.Fatalf("agent got %v, %v; want client message %d", m, err, i)
		}
	}
	for client.out.unacknowledged() > 0 {
		if ctx.Err() != nil {
			t.Fatalf("%d client messages never acknowledged while the client read nothing", client.out.unacknowledged())
		}
		time.Sleep(5 * time.Millisecond)
	}
	for i := 0; i < flood; i++ {
		m, err := client.Receive(ctx)
		if err != nil || binary.BigEndian.Uint32(m.Payload) != uint32(i) {
			t.Fatalf("client message %d: %v %v", i, m, err)
		}
	}
}
