package ami

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localssm"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtunnel"
)

type onlineTargets struct{}

func (onlineTargets) Online(context.Context, string, string) error { return nil }

type refusingHost struct{}

func (refusingHost) Dial(context.Context, string, int) (net.Conn, error) {
	return nil, errors.New("connection refused")
}

func sessionStep(t *testing.T) (*StepSessionTunnel, *localssm.StandIn) {
	t.Helper()
	si := localssm.New(localssm.Config{Targets: onlineTargets{}, Host: refusingHost{}})
	srv := httptest.NewServer(si.Handler(http.NotFoundHandler()))
	t.Cleanup(func() { si.Close(); srv.Close() })
	client := ssm.New(ssm.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	return &StepSessionTunnel{SSM: fixedClient[sessionSSM](client), KMS: fixedClient[ssmtunnel.KMS](nil), Region: "us-east-1", RemotePort: 2222,
		ConnectTimeout: 10 * time.Second}, si
}

// TestStepSessionTunnel: the step starts a session to ssh_port of the
// build instance, points SSH at the tunnel's local end, and Cleanup
// terminates the session.
func TestStepSessionTunnel(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	statePut(state, stateInstanceID, "i-0123456789abcdef0")
	s, si := sessionStep(t)
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v", state.Get("error"))
	}
	host, _ := stateGet[string](state, stateSSHHost)
	port, _ := stateGet[int](state, stateSSHPort)
	if host != "127.0.0.1" || port != s.tunnel.Port() {
		t.Errorf("SSH goes to %s:%d, want the tunnel's 127.0.0.1:%d", host, port, s.tunnel.Port())
	}
	if p, _ := portFromState(22)(state); p != port {
		t.Errorf("StepConnect's port %d, want the tunnel's", p)
	}
	calls := si.Calls()
	if len(calls) != 1 || calls[0].Target != "i-0123456789abcdef0" || calls[0].Parameters["portNumber"][0] != "2222" {
		t.Fatalf("calls %+v", calls)
	}
	s.Cleanup(state)
	if st := si.Sessions()[calls[0].SessionID].State; st != "Terminated" {
		t.Errorf("session %s after Cleanup", st)
	}
}

// TestStepSessionTunnelPauseIsCancellable: Ctrl-C during pause_before_ssm
// stops the step before any session is started.
func TestStepSessionTunnelPauseIsCancellable(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	s, si := sessionStep(t)
	s.Pause = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	if s.Run(ctx, state) != multistep.ActionHalt {
		t.Fatal("Run continued")
	}
	if len(si.Calls()) != 0 || !strings.Contains(out.String(), "Waiting 1h0m0s (pause_before_ssm)") {
		t.Errorf("calls %+v, output:\n%s", si.Calls(), out.String())
	}
	s.Cleanup(state)
}

// TestStepSessionTunnelPortInUse: a session_manager_port something else
// listens on fails naming the attribute.
func TestStepSessionTunnelPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	var out bytes.Buffer
	state := testState(&out)
	s, _ := sessionStep(t)
	s.LocalPort = busy.Addr().(*net.TCPAddr).Port
	if s.Run(context.Background(), state) != multistep.ActionHalt {
		t.Fatal("Run continued")
	}
	if err := state.Get("error").(error); !strings.Contains(err.Error(), "session_manager_port "+strconv.Itoa(s.LocalPort)+" is in use") {
		t.Errorf("error %v", err)
	}
}
