package ssmtunnel

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localssm"
)

// roundTrip sends n random bytes through conn and checks they come back.
func roundTrip(t *testing.T, conn net.Conn, n int) {
	t.Helper()
	data := make([]byte, n)
	_, _ = rand.Read(data)
	go func() { _, _ = conn.Write(data) }()
	got := make([]byte, n)
	_ = conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	if _, err := io.ReadFull(conn, got); err != nil {
		t.Errorf("reading back %d bytes: %v", n, err)
		return
	}
	if !bytes.Equal(got, data) {
		t.Error("data came back changed")
	}
}

// TestTunnelCarriesConnectionsThroughTheSession: the tunnel waits while
// the agent is offline (TargetNotConnected), starts a port-forwarding
// session to the instance's port 22 with a signed data channel, carries
// concurrent connections intact over a link that loses frames, and on
// Close ends the session at the agent and terminates it.
func TestTunnelCarriesConnectionsThroughTheSession(t *testing.T) {
	si, _, cfg := standIn(t, localssm.Config{Targets: &offlineTargets{offline: 2}, Host: &echoHost{addr: echoServer(t)}, DropEvery: 25})
	tun, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(tun.Port()))
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			roundTrip(t, conn, 100<<10)
		}()
	}
	wg.Wait()
	calls := si.Calls()
	if len(calls) != 3 || calls[0].Error != "TargetNotConnected" || calls[2].Error != "" || calls[2].Region != "eu-west-1" ||
		calls[2].Document != "AWS-StartPortForwardingSession" || calls[2].Parameters["portNumber"][0] != "22" ||
		calls[2].Parameters["localPortNumber"][0] != strconv.Itoa(tun.Port()) {
		t.Fatalf("SSM calls %+v", calls)
	}
	id := calls[2].SessionID
	s := si.Sessions()[id]
	if s.State != "Connected" || !s.Signed || s.ClientVersion != clientVersion || s.Streams != 3 {
		t.Errorf("session %+v", s)
	}
	if masked := packersdk.LogSecretFilter.FilterString("token " + s.Token); strings.Contains(masked, s.Token) {
		t.Errorf("the session's token is not masked in logs: %s", masked)
	}
	if err := tun.Close(); err != nil {
		t.Fatal(err)
	}
	if s := si.Sessions()[id]; s.State != "Terminated" {
		t.Errorf("after Close the session is %s", s.State)
	}
	if last := si.Calls()[len(si.Calls())-1]; last.Action != "TerminateSession" || last.SessionID != id {
		t.Errorf("last call %+v, want TerminateSession of %s", last, id)
	}
}

// TestTunnelStartsANewSessionWhenOneEnds: after the service ends the
// session (TerminateSession, an idle timeout), the next connection gets a
// new one; a port the agent cannot reach closes the connection at once
// and leaves the session usable.
func TestTunnelStartsANewSessionWhenOneEnds(t *testing.T) {
	host := &echoHost{addr: echoServer(t)}
	si, client, cfg := standIn(t, localssm.Config{Targets: &offlineTargets{}, Host: host})
	tun, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()
	first := si.Calls()[0].SessionID
	if _, err := client.TerminateSession(context.Background(), &ssm.TerminateSessionInput{SessionId: aws.String(first)}); err != nil {
		t.Fatal(err)
	}
	host.refuse.Store(true)
	conn := dialLocal(t, tun.Port())
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	if n, err := conn.Read(make([]byte, 1)); err == nil {
		t.Fatalf("read %d bytes from a port the agent could not reach", n)
	}
	host.refuse.Store(false)
	roundTrip(t, dialLocal(t, tun.Port()), 10)
	var ids []string
	for _, c := range si.Calls() {
		if c.Action == "StartSession" {
			ids = append(ids, c.SessionID)
		}
	}
	if len(ids) != 2 || si.Sessions()[first].State != "Terminated" || si.Sessions()[ids[1]].Streams != 1 {
		t.Errorf("sessions %v: %+v", ids, si.Sessions())
	}
}

func dialLocal(t *testing.T, port int) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestTunnelFailsClearly: an agent that never comes online, an agent too
// old to multiplex, KMS-encrypted sessions and a local port in use each
// fail Open with an error that says what to do.
func TestTunnelFailsClearly(t *testing.T) {
	busy, _ := net.Listen("tcp", "127.0.0.1:0")
	defer busy.Close()
	for _, tc := range []struct {
		name string
		si   localssm.Config
		edit func(*Config)
		want []string
	}{
		{"never online", localssm.Config{Targets: &offlineTargets{offline: -1}}, func(c *Config) { c.ConnectTimeout = time.Second },
			[]string{"did not come online with Systems Manager within 1s", "AmazonSSMManagedInstanceCore", "TargetNotConnected"}},
		{"old agent", localssm.Config{Targets: &offlineTargets{}, AgentVersion: "2.3.1644.0"}, nil,
			[]string{"version 2.3.1644.0", "update amazon-ssm-agent"}},
		{"KMS", localssm.Config{Targets: &offlineTargets{}, KMSKeyID: "alias/sessions"}, nil,
			[]string{"KMS key alias/sessions", "Session Manager preferences"}},
		{"port in use", localssm.Config{Targets: &offlineTargets{}}, func(c *Config) { c.LocalPort = busy.Addr().(*net.TCPAddr).Port },
			[]string{"listening on 127.0.0.1:" + strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.si.Host = &echoHost{addr: echoServer(t)}
			_, _, cfg := standIn(t, tc.si)
			if tc.edit != nil {
				tc.edit(&cfg)
			}
			tun, err := Open(context.Background(), cfg)
			if err == nil {
				tun.Close()
				t.Fatal("Open succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestTunnelDeniedByIAM: when moto, enforcing IAM, denies the caller
// ssm:StartSession, the stand-in answers as SSM does and Open fails with
// the denial.
func TestTunnelDeniedByIAM(t *testing.T) {
	denying := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/u `+
			`is not authorized to perform: ssm:StartSession</Message></Error></Errors></ErrorResponse>`)
	})
	si, _, cfg := standInBefore(t, localssm.Config{Targets: &offlineTargets{}, Host: &echoHost{addr: echoServer(t)}}, denying)
	_, err := Open(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "AccessDeniedException") || !strings.Contains(err.Error(), "not authorized to perform: ssm:StartSession") {
		t.Fatalf("Open: %v", err)
	}
	if calls := si.Calls(); len(calls) != 1 || calls[0].Error != "AccessDeniedException" || len(si.Sessions()) != 0 {
		t.Errorf("calls %+v, sessions %+v", calls, si.Sessions())
	}
}
