package ami

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// TestSourceCIDRs: configured CIDRs win; the public-IP option detects;
// a failing detection names the attribute to set. No internet: httptest.
func TestSourceCIDRs(t *testing.T) {
	answer := "198.51.100.7\n"
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(answer))
	}))
	defer srv.Close()
	ctx := context.Background()
	public := sshSource{PublicIP: true, DetectURL: srv.URL, HTTPClient: srv.Client(), Port: 22}
	if got, _ := (sshSource{Configured: []string{"0.0.0.0/0"}, PublicIP: true}).cidrs(ctx, "127.0.0.1"); strings.Join(got, ",") != "0.0.0.0/0" {
		t.Errorf("explicit world-open CIDR not honoured: %v", got)
	}
	if got, err := public.cidrs(ctx, "127.0.0.1"); err != nil || strings.Join(got, ",") != "198.51.100.7/32" {
		t.Errorf("temporary_security_group_source_public_ip: %v, %v", got, err)
	}
	answer = "2001:db8::7"
	if got, _ := public.cidrs(ctx, ""); strings.Join(got, ",") != "2001:db8::7/128" {
		t.Errorf("IPv6 detected = %v", got)
	}
	for _, bad := range []struct {
		status int
		body   string
	}{{http.StatusServiceUnavailable, ""}, {http.StatusOK, "<html>captive portal</html>"}} {
		status, answer = bad.status, bad.body
		if _, err := public.cidrs(ctx, ""); err == nil || !strings.Contains(err.Error(), "set temporary_security_group_source_cidrs") {
			t.Errorf("status %d body %q: err %v", bad.status, bad.body, err)
		}
	}
	public.DetectURL = "http://127.0.0.1:1/"
	if _, err := public.cidrs(ctx, ""); err == nil {
		t.Error("unreachable detection service gave no error")
	}
}

// TestSourceFollowsTheRoute: a loopback or private destination is reached
// from this machine's own address on the route (never the public one),
// a public destination from the detected public address.
func TestSourceFollowsTheRoute(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("198.51.100.7")) }))
	defer srv.Close()
	s := sshSource{DetectURL: srv.URL, HTTPClient: srv.Client(), Port: 22}
	ctx := context.Background()
	for host, want := range map[string]string{"127.0.0.1": "127.0.0.1/32", "127.0.0.2": "127.0.0.1/32", "localhost": "127.0.0.1/32",
		"203.0.113.10": "198.51.100.7/32"} {
		got, err := s.cidrs(ctx, host)
		if err != nil || !strings.Contains(strings.Join(got, ","), want) {
			t.Errorf("connection to %s admitted from %v (%v), want %s", host, got, err, want)
		}
	}
	for addr, private := range map[string]bool{"10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true, "100.64.0.1": true,
		"169.254.1.1": true, "fd00::1": true, "fe80::1": true, "::1": true, "8.8.8.8": false, "100.128.0.1": false, "2001:db8::1": false} {
		if got := reachedPrivately(netip.MustParseAddr(addr)); got != private {
			t.Errorf("reachedPrivately(%s) = %v", addr, got)
		}
	}
}

// TestSourceThroughABastion: the instance sees the bastion's address (its
// private one for a private destination, its public one otherwise); a
// bastion outside the region cannot be told and the error says what to set.
func TestSourceThroughABastion(t *testing.T) {
	ctx := context.Background()
	found := func(context.Context, netip.Addr) (netip.Addr, netip.Addr, error) {
		return netip.MustParseAddr("10.0.9.9"), netip.MustParseAddr("54.1.2.3"), nil
	}
	s := sshSource{Via: "10.0.9.9", Bastion: found, Port: 22}
	if got, err := s.cidrs(ctx, "10.0.1.5"); err != nil || strings.Join(got, ",") != "10.0.9.9/32" {
		t.Errorf("private destination through the bastion: %v %v", got, err)
	}
	if got, err := s.cidrs(ctx, "54.9.9.9"); err != nil || strings.Join(got, ",") != "54.1.2.3/32" {
		t.Errorf("public destination through the bastion: %v %v", got, err)
	}
	s.Bastion = func(context.Context, netip.Addr) (netip.Addr, netip.Addr, error) {
		return netip.Addr{}, netip.Addr{}, nil
	}
	if _, err := s.cidrs(ctx, "10.0.1.5"); err == nil || !strings.Contains(err.Error(), "temporary_security_group_source_cidrs") {
		t.Errorf("unknown bastion: %v", err)
	}
	s.Via = "127.0.0.1"
	if got, err := s.cidrs(ctx, "127.0.0.1"); err != nil || strings.Join(got, ",") != "127.0.0.1/32" {
		t.Errorf("a bastion on this machine: %v %v", got, err)
	}
}

// TestPublicIPIsDetectedWithoutProxy: through an HTTP(S) proxy the service
// would report the proxy's address, so detection never uses one.
func TestPublicIPIsDetectedWithoutProxy(t *testing.T) {
	if tr, ok := directClient().Transport.(*http.Transport); !ok || tr.Proxy != nil {
		t.Errorf("the detection client uses a proxy: %+v", directClient().Transport)
	}
}
