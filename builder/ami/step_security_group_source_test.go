package ami

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSourceCIDRs: configured CIDRs win; else only the detected address;
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
	if got, _ := sourceCIDRs(ctx, srv.Client(), []string{"0.0.0.0/0"}, srv.URL); strings.Join(got, ",") != "0.0.0.0/0" {
		t.Errorf("explicit world-open CIDR not honoured: %v", got)
	}
	if got, err := sourceCIDRs(ctx, srv.Client(), nil, srv.URL); err != nil || strings.Join(got, ",") != "198.51.100.7/32" {
		t.Errorf("detected = %v, %v", got, err)
	}
	answer = "2001:db8::7"
	if got, _ := sourceCIDRs(ctx, srv.Client(), nil, srv.URL); strings.Join(got, ",") != "2001:db8::7/128" {
		t.Errorf("IPv6 detected = %v", got)
	}
	for _, bad := range []struct {
		status int
		body   string
	}{{http.StatusServiceUnavailable, ""}, {http.StatusOK, "<html>captive portal</html>"}} {
		status, answer = bad.status, bad.body
		if _, err := sourceCIDRs(ctx, srv.Client(), nil, srv.URL); err == nil || !strings.Contains(err.Error(), "set temporary_security_group_source_cidrs") {
			t.Errorf("status %d body %q: err %v", bad.status, bad.body, err)
		}
	}
	if _, err := sourceCIDRs(ctx, srv.Client(), nil, "http://127.0.0.1:1/"); err == nil {
		t.Error("unreachable detection service gave no error")
	}
}
