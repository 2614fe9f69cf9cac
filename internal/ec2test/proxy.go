package ec2test

import (
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
)

// Faults says what the proxy does to the EC2 calls passing through it (see
// ec2proxy.Faults). The zero value forwards everything unchanged.
type Faults = ec2proxy.Faults

// Request is one EC2 call as the proxy saw it.
type Request = ec2proxy.Call

// Strict is every refusal real EC2 makes right after a create, plus
// throttling and 5xx bursts (ec2proxy.Strict): what a proxy starts with.
func Strict() Faults { return ec2proxy.Strict() }

// Quirks is Strict without random throttling and errors (ec2proxy.Quirks).
func Quirks() Faults { return ec2proxy.Quirks() }

// StrictPlus is Strict with every field that f sets (non-zero) taken
// from f: a test's own faults on top of the strict cloud.
func StrictPlus(f Faults) Faults {
	out := Strict()
	dst, src := reflect.ValueOf(&out).Elem(), reflect.ValueOf(f)
	for i := range src.NumField() {
		if !src.Field(i).IsZero() {
			dst.Field(i).Set(src.Field(i))
		}
	}
	return out
}

// Proxy is a reverse proxy in front of moto (ec2proxy.Proxy on a free
// loopback port) that records every EC2 Query request and injects the
// faults real EC2 shows and moto does not. It also answers
// EnableImageDeprecation, which moto 5.2.1 does not implement, so tests can
// assert on the request (and the other calls ec2proxy answers for moto).
// Stopped when the test ends.
type Proxy struct {
	*ec2proxy.Proxy
	URL  string
	moto *Moto
}

// StartProxy starts a proxy in front of m on a free loopback port. It is
// strict from the start (Strict): tests build on it (f := Strict(); f.X =
// …) or call SetFaults(Faults{}) for a plain one.
func StartProxy(t testing.TB, m *Moto) *Proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p := &Proxy{Proxy: ec2proxy.New(m.URL), URL: "http://" + l.Addr().String(), moto: m}
	p.SetFaults(Strict())
	srv := &http.Server{Handler: p.Proxy}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return p
}

// StartProxyURL starts a proxy in front of a moto started elsewhere (e.g.
// by localcloud/up.sh), given its endpoint URL.
func StartProxyURL(t testing.TB, motoURL string) *Proxy {
	t.Helper()
	return StartProxy(t, &Moto{URL: motoURL})
}

// Env is Moto.Env with the endpoint pointing at the proxy.
func (p *Proxy) Env() []string {
	env := p.moto.Env()
	for i, kv := range env {
		if strings.HasPrefix(kv, "AWS_ENDPOINT_URL=") {
			env[i] = "AWS_ENDPOINT_URL=" + p.URL
		}
	}
	return env
}

// SetEnv applies Env to the current test process.
func (p *Proxy) SetEnv(t testing.TB) {
	t.Helper()
	for _, kv := range p.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}
