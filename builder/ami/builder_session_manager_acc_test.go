//go:build acc

package ami

import (
	"context"
	"net"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localssm"
)

// tunnelSource is the address the stand-in's agent connects to the test SSH
// server from: a connection from anywhere else did not come through a
// session.
const tunnelSource = "127.0.0.2"

// tunnelHost is the build instance as the stand-in's agent reaches it: every
// port leads to the test SSH server, dialled from tunnelSource.
type tunnelHost struct{ port int }

func (h tunnelHost) Dial(ctx context.Context, _ string, _ int) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(tunnelSource)}}
	return d.DialContext(ctx, "tcp", "127.0.0.1:"+strconv.Itoa(h.port))
}

// sessionEnv is buildEnv with the Session Manager stand-in in front of the
// recording proxy: the builder's endpoint serves SSM sessions, and EC2 and
// IAM through the proxy to moto.
type sessionEnv struct {
	*buildEnv
	proxy *ec2test.Proxy
	ssm   *localssm.StandIn
}

func newSessionEnv(t *testing.T) *sessionEnv { return newSessionEnvWith(t, nil) }

// newSessionEnvWith lets edit change the stand-in's configuration first.
func newSessionEnvWith(t *testing.T, edit func(*buildEnv, *localssm.Config)) *sessionEnv {
	e := newBuildEnv(t)
	e.ssh.onInstance = netip.MustParseAddr(tunnelSource)
	proxy := ec2test.StartProxy(t, e.moto)
	// The agent registers 4 s after the launch (a real one takes tens of
	// seconds): long enough that the build, on the strict cloud, still
	// meets it offline first.
	cfg := localssm.Config{Targets: localssm.NewMotoTargets(e.moto.URL, 4*time.Second), Host: tunnelHost{e.ssh.Port}, DropEvery: 11}
	if edit != nil {
		edit(e, &cfg)
	}
	si := localssm.New(cfg)
	srv := httptest.NewServer(si.Handler(proxy.Proxy))
	t.Cleanup(func() { si.Close(); srv.Close() })
	proxy.SetEnv(t)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	return &sessionEnv{buildEnv: e, proxy: proxy, ssm: si}
}

// sessionTemplate connects through Session Manager: no ssh_host, no
// source CIDRs.
func (e *sessionEnv) sessionTemplate(extra map[string]any) map[string]any {
	raw := e.template(map[string]any{"ssh_interface": "session_manager"})
	delete(raw, "ssh_host")
	delete(raw, "ssh_port")
	delete(raw, "temporary_security_group_source_cidrs")
	for k, v := range extra {
		raw[k] = v
	}
	return raw
}

// TestSessionManagerBuild: with ssh_interface = "session_manager" and a
// temporary instance profile allowing the SSM agent, the build waits for
// the agent (TargetNotConnected), starts a port-forwarding session to port
// 22, and SSH really travels through it to the instance: the provisioner
// runs, every SSH connection reached the server from the stand-in's agent,
// and the build instance's temporary group admits nothing. The session is
// terminated and nothing is left.
func TestSessionManagerBuild(t *testing.T) {
	e := newSessionEnv(t)
	ctx := context.Background()
	hook := &runHook{commands: []string{"echo tunnelled > via-ssm.txt"}, fail: func() error {
		assertGroupAdmitsNothing(t, e.ec2)
		return nil
	}}
	raw := e.sessionTemplate(map[string]any{"temporary_iam_instance_profile_policy_document": ssmCorePolicy, "session_manager_port": freeLocalPort(t)})
	if _, err, out := e.run(t, ctx, raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(e.ssh.Home, "via-ssm.txt")); err != nil || string(b) != "tunnelled\n" {
		t.Errorf("provisioner did not run: %q %v", b, err)
	}
	if src := e.ssh.Sources(); len(src) == 0 || strings.Join(src, " ") != strings.TrimSpace(strings.Repeat(tunnelSource+" ", len(src))) {
		t.Errorf("SSH connections came from %v; want all from the session's agent (%s)", src, tunnelSource)
	}
	assertSessions(t, e.ssm, raw["session_manager_port"].(int))
	assertNoIAMLeft(t, e.moto.IAM(t))
	e.assertNothingLeft(t)
}

func freeLocalPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// assertSessions: the agent was waited for, one session to port 22 carried
// SSH from session_manager_port, and it was terminated.
func assertSessions(t *testing.T, si *localssm.StandIn, localPort int) {
	t.Helper()
	var started []localssm.Call
	offline, terminated := 0, 0
	for _, c := range si.Calls() {
		switch {
		case c.Action == "StartSession" && c.Error == "TargetNotConnected":
			offline++
		case c.Action == "StartSession" && c.Error == "":
			started = append(started, c)
		case c.Action == "TerminateSession" && c.Error == "":
			terminated++
		}
	}
	if offline == 0 || len(started) != 1 || terminated != 1 {
		t.Fatalf("%d offline answers, sessions %+v, %d terminated; want waits, one session, terminated", offline, started, terminated)
	}
	c := started[0]
	if c.Parameters["portNumber"][0] != "22" || c.Parameters["localPortNumber"][0] != strconv.Itoa(localPort) || !strings.HasPrefix(c.Target, "i-") {
		t.Errorf("session %+v: want the instance's port 22 from local port %d", c, localPort)
	}
	if s := si.Sessions()[c.SessionID]; s.State != "Terminated" || s.Streams == 0 || !s.Signed {
		t.Errorf("session %s: %+v", c.SessionID, s)
	}
}

// assertGroupAdmitsNothing: the build's temporary group has no inbound
// rule at all.
func assertGroupAdmitsNothing(t *testing.T, c *ec2.Client) {
	t.Helper()
	groups, err := c.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{BuildUUIDTagKey}}}})
	if err != nil || len(groups.SecurityGroups) != 1 {
		t.Fatalf("want one temporary group: %+v %v", groups, err)
	}
	if perms := groups.SecurityGroups[0].IpPermissions; len(perms) != 0 {
		t.Errorf("temporary group admits %+v; with session_manager it must admit nothing", perms)
	}
}
