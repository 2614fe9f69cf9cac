package ssmproto

import (
	"context"
	"io"
	"net"
	"sync"
)

// PayloadSize is the largest data payload one stream message carries, as
// AWS's client and agent send them.
const PayloadSize = 1024

// Bridge turns the channel's Output messages into a byte stream: what is
// written to the returned connection is sent as Output messages of at most
// PayloadSize bytes, what the other side sends as Output is read from it.
// Flag messages go to onFlag. With a cipher (KMS-encrypted sessions) the
// Output payloads are sealed and opened with it. Port sessions run smux
// over this connection. It closes when the channel ends, and closing it
// closes the channel.
func Bridge(ch *Channel, onFlag func(FlagValue), c *SessionCipher) net.Conn {
	outer, inner := net.Pipe()
	go func() { // written: send
		defer ch.Close()
		buf := make([]byte, PayloadSize)
		for {
			n, err := inner.Read(buf)
			if err != nil {
				inner.Close()
				return
			}
			payload := append([]byte(nil), buf[:n]...)
			if c != nil {
				payload = c.Seal(payload)
			}
			if ch.Send(Output, payload) != nil {
				inner.Close()
				return
			}
		}
	}()
	go func() { // received: to be read
		defer inner.Close()
		for {
			m, err := ch.Receive(context.Background())
			if err != nil {
				return
			}
			switch m.PayloadType {
			case Output:
				p := m.Payload
				if c != nil {
					if p, err = c.Open(p); err != nil {
						return
					}
				}
				if _, err := inner.Write(p); err != nil {
					return
				}
			case Flag:
				if onFlag != nil {
					onFlag(ParseFlag(m.Payload))
				}
			}
		}
	}()
	return outer
}

// Splice copies between a and b both ways, passing on half-closes where
// the connection supports them, and closes both when both directions end.
func Splice(a, b net.Conn) {
	var wg sync.WaitGroup
	wg.Add(2)
	half := func(dst, src net.Conn) {
		defer wg.Done()
		_, _ = io.Copy(dst, src)
		if cw, ok := dst.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		} else {
			_ = dst.Close()
		}
	}
	go half(a, b)
	go half(b, a)
	wg.Wait()
	a.Close()
	b.Close()
}
