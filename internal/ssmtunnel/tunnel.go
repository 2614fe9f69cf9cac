// Package ssmtunnel forwards a local TCP port to a port of an EC2 instance
// through AWS Systems Manager Session Manager, as
// `aws ssm start-session --document-name AWS-StartPortForwardingSession`
// with AWS's session-manager-plugin does, but inside this process: no
// binary to install. The instance needs the SSM agent and an instance
// profile that lets it register; it needs no inbound rule and no public
// address.
//
// A session is StartSession (the SSM API, aws-sdk-go-v2), then the data
// channel (internal/ssmproto) on the websocket StartSession names, then
// multiplexed connections over it (smux, as the agent expects from
// clients since agent 3.0.196.0).
package ssmtunnel

import (
	"context"
	"fmt"
	"log"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmproto"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// SSM is the part of the Systems Manager API a tunnel calls.
type SSM interface {
	StartSession(context.Context, *ssm.StartSessionInput, ...func(*ssm.Options)) (*ssm.StartSessionOutput, error)
	TerminateSession(context.Context, *ssm.TerminateSessionInput, ...func(*ssm.Options)) (*ssm.TerminateSessionOutput, error)
}

// KMS is the part of the KMS API a tunnel calls for encrypted sessions.
type KMS interface {
	GenerateDataKey(context.Context, *kms.GenerateDataKeyInput, ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error)
}

// Config says where a tunnel leads.
type Config struct {
	SSM SSM
	// KMS makes the data key of sessions the account's Session Manager
	// preferences encrypt (nil: such sessions fail, saying why).
	KMS KMS
	// Credentials and Region sign the data channel's websocket request,
	// as AWS's own client does (service ssmmessages).
	Credentials aws.CredentialsProvider
	Region      string
	InstanceID  string
	// RemotePort is the instance's port (SSH's), LocalPort the port on
	// 127.0.0.1 to listen on (0: any free one).
	RemotePort, LocalPort int
	// ConnectTimeout bounds the wait for the instance's agent to come
	// online (StartSession answers TargetNotConnected until then).
	ConnectTimeout time.Duration
	// Say shows progress to the user (may be nil).
	Say func(string)
}

// Tunnel listens on 127.0.0.1 and carries each connection to the
// instance's port through a session, starting a new session when the
// last one ended (the service ends idle ones).
type Tunnel struct {
	cfg Config
	l   net.Listener
	// ctx ends with Close: sessions started for later connections stop
	// waiting then.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	current *session
	started []string // IDs of every session started, for Close
	closed  bool
}

// Open listens on the local port and starts the first session, waiting up
// to ConnectTimeout for the instance's agent. Close it when done.
func Open(ctx context.Context, cfg Config) (*Tunnel, error) {
	if cfg.Say == nil {
		cfg.Say = func(string) {}
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.LocalPort)))
	if err != nil {
		return nil, fmt.Errorf("listening on 127.0.0.1:%d for the session tunnel: %w", cfg.LocalPort, err)
	}
	cfg.LocalPort = l.Addr().(*net.TCPAddr).Port
	t := &Tunnel{cfg: cfg, l: l}
	t.ctx, t.cancel = context.WithCancel(context.Background())
	if _, err := t.session(ctx); err != nil {
		t.Close()
		return nil, err
	}
	go t.accept()
	return t, nil
}

// Port is the local port the tunnel listens on.
func (t *Tunnel) Port() int { return t.l.Addr().(*net.TCPAddr).Port }

func (t *Tunnel) accept() {
	for {
		conn, err := t.l.Accept()
		if err != nil {
			return
		}
		go t.serve(conn)
	}
}

// serve carries one local connection on a stream of the live session.
func (t *Tunnel) serve(conn net.Conn) {
	defer conn.Close()
	for attempt := 0; attempt < 2; attempt++ { // the session may just have ended: one new one
		s, err := t.session(t.ctx)
		if err != nil {
			log.Printf("[ERROR] session tunnel to %s: %v", t.cfg.InstanceID, err)
			return
		}
		stream, err := s.open()
		if err != nil {
			log.Printf("[DEBUG] session %s: %v", s.id, err)
			continue
		}
		ssmproto.Splice(conn, stream)
		return
	}
}

// session returns the live session, starting one if there is none.
func (t *Tunnel) session(ctx context.Context) (*session, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, net.ErrClosed
	}
	if t.current != nil && t.current.alive() {
		return t.current, nil
	}
	s, err := startSession(ctx, &t.cfg, func(id string) { t.started = append(t.started, id) })
	if err != nil {
		return nil, err
	}
	t.current = s
	return s, nil
}

// Close stops listening, ends the live session (its agent stops at once)
// and terminates every session started, as amazon-ebs does on cleanup.
// It returns the first TerminateSession failure.
func (t *Tunnel) Close() error {
	t.cancel()
	t.mu.Lock()
	t.closed = true
	cur, ids := t.current, t.started
	t.mu.Unlock()
	t.l.Close()
	if cur != nil {
		cur.end()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var first error
	for _, id := range ids {
		if _, err := t.cfg.SSM.TerminateSession(ctx, &ssm.TerminateSessionInput{SessionId: aws.String(id)}); err != nil && first == nil {
			first = fmt.Errorf("terminating session %s: %w (aws ssm terminate-session --region %s --session-id %s)", id, err, t.cfg.Region, id)
		}
	}
	return first
}
