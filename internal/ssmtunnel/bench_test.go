package ssmtunnel

import (
	"context"
	"crypto/rand"
	"io"
	"net"
	"strconv"
	"testing"
)

// BenchmarkTunnelRoundTrip: 1 MiB through a session to an echo server and
// back, in 1 KiB messages each acknowledged, as AWS's client sends them
// (loopback: what the protocol itself costs, not the network).
func BenchmarkTunnelRoundTrip(b *testing.B) {
	addr := echoServerB(b)
	_, _, cfg := standInB(b, &echoHost{addr: addr})
	tun, err := Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer tun.Close()
	conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(tun.Port()))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	data := make([]byte, 1<<20)
	_, _ = rand.Read(data)
	got := make([]byte, len(data))
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		go func() { _, _ = conn.Write(data) }()
		if _, err := io.ReadFull(conn, got); err != nil {
			b.Fatal(err)
		}
	}
}
