package ssmtunnel

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localssm"
)

// offlineTargets: the instance's agent is offline for the first offline
// StartSession calls (forever when offline < 0).
type offlineTargets struct {
	mu      sync.Mutex
	offline int
}

func (o *offlineTargets) Online(context.Context, string, string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.offline == 0 {
		return nil
	}
	o.offline--
	return errors.New("agent not registered yet")
}

// echoHost is the instance: its port echoes what it gets, or refuses.
type echoHost struct {
	addr   string
	refuse atomic.Bool
}

func (h *echoHost) Dial(ctx context.Context, _ string, _ int) (net.Conn, error) {
	if h.refuse.Load() {
		return nil, errors.New("connection refused")
	}
	return (&net.Dialer{}).DialContext(ctx, "tcp", h.addr)
}

func echoServer(t *testing.T) string { return echoServerB(t) }

func echoServerB(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(c, c); c.Close() }()
		}
	}()
	return l.Addr().String()
}

// standIn serves a localssm stand-in on loopback and returns it with an
// SSM client and the credentials that sign for it.
func standIn(t *testing.T, cfg localssm.Config) (*localssm.StandIn, *ssm.Client, Config) {
	return standInConfig(t, cfg)
}

// standInB is a stand-in whose agent is always online, for benchmarks.
func standInB(b *testing.B, host localssm.Host) (*localssm.StandIn, *ssm.Client, Config) {
	return standInConfig(b, localssm.Config{Targets: &offlineTargets{}, Host: host})
}

func standInConfig(t testing.TB, cfg localssm.Config) (*localssm.StandIn, *ssm.Client, Config) {
	return standInBefore(t, cfg, http.NotFoundHandler())
}

// standInBefore is a stand-in in front of next (moto, say).
func standInBefore(t testing.TB, cfg localssm.Config, next http.Handler) (*localssm.StandIn, *ssm.Client, Config) {
	t.Helper()
	si := localssm.New(cfg)
	srv := httptest.NewServer(si.Handler(next))
	t.Cleanup(func() { si.Close(); srv.Close() })
	creds := credentials.NewStaticCredentialsProvider("test", "test", "")
	client := ssm.New(ssm.Options{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds})
	return si, client, Config{SSM: client, Credentials: creds, Region: "eu-west-1", InstanceID: "i-0123456789abcdef0",
		RemotePort: 22, ConnectTimeout: 30 * time.Second}
}
