//go:build acc

package ami

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"log"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"golang.org/x/crypto/ssh"
)

// testSSHServer stands in for the build instance's sshd: it accepts the
// key pairs registered in EC2 (as cloud-init installs them) and runs each
// command with sh -c in a throwaway HOME, so nothing on the host changes.
// As on EC2, a connection gets through only if the instance's security
// groups admit its source address and port (admitted); others are reset.
type testSSHServer struct {
	Port int
	Home string
	// Refused counts connections the security groups did not admit.
	Refused atomic.Int32
	// onInstance, when set, is the source address of connections made on
	// the instance itself (the Session Manager stand-in's agent).
	onInstance netip.Addr

	ec2 *ec2.Client

	mu       sync.Mutex
	commands []string
	sources  []string // the client address of each connection
}

func startSSHServer(t *testing.T, keys *ec2.Client) *testSSHServer {
	t.Helper()
	_, hostPriv, _ := ed25519.GenerateKey(rand.Reader)
	hostKey, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		t.Fatal(err)
	}
	s := &testSSHServer{Home: t.TempDir(), ec2: keys}
	if err := os.MkdirAll(filepath.Join(s.Home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
		out, err := keys.DescribeKeyPairs(context.Background(), &ec2.DescribeKeyPairsInput{IncludePublicKey: aws.Bool(true)})
		if err != nil {
			return nil, err
		}
		for _, kp := range out.KeyPairs {
			known, _, _, _, err := ssh.ParseAuthorizedKey([]byte(aws.ToString(kp.PublicKey)))
			if err == nil && bytes.Equal(known.Marshal(), key.Marshal()) {
				return nil, s.installKey(aws.ToString(kp.PublicKey), aws.ToString(kp.KeyName))
			}
		}
		return nil, ssh.ErrNoAuth
	}}
	// Like OpenSSH since 8.8 (Ubuntu 22.04 on): RSA keys only with SHA-2
	// signatures, never ssh-rsa's SHA-1 (packer#11733).
	cfg.PublicKeyAuthAlgorithms = []string{ssh.KeyAlgoED25519, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSASHA512}
	cfg.AddHostKey(hostKey)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Port = l.Addr().(*net.TCPAddr).Port
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go s.gate(c, cfg)
		}
	}()
	return s
}

// installKey does what cloud-init does at first boot: the instance's key
// pair goes into ~/.ssh/authorized_keys, with the key name as comment.
func (s *testSSHServer) installKey(pub, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	path := filepath.Join(s.Home, ".ssh", "authorized_keys")
	have, _ := os.ReadFile(path)
	line := strings.TrimSpace(pub) + " " + name + "\n"
	if strings.Contains(string(have), strings.TrimSpace(pub)) {
		return nil
	}
	return os.WriteFile(path, append(have, line...), 0o600)
}

// Commands returns the commands run so far.
func (s *testSSHServer) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.commands...)
}

// Sources returns the client address of each connection so far.
func (s *testSSHServer) Sources() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sources...)
}

// gate serves a connection its groups admit and resets the others.
func (s *testSSHServer) gate(c net.Conn, cfg *ssh.ServerConfig) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	err := s.admitted(ctx, c)
	cancel()
	if err != nil {
		s.Refused.Add(1)
		log.Printf("[TEST] SSH server refused %s: %v", c.RemoteAddr(), err)
		_ = c.(*net.TCPConn).SetLinger(0)
		_ = c.Close()
		return
	}
	s.serve(c, cfg)
}

func (s *testSSHServer) serve(c net.Conn, cfg *ssh.ServerConfig) {
	s.mu.Lock()
	s.sources = append(s.sources, c.RemoteAddr().(*net.TCPAddr).IP.String())
	s.mu.Unlock()
	_, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, chReqs, err := nc.Accept()
		if err != nil {
			continue
		}
		go s.session(ch, chReqs)
	}
}

func (s *testSSHServer) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		if req.Type != "exec" {
			_ = req.Reply(false, nil) // pty, env, keepalive: not needed
			continue
		}
		var payload struct{ Command string }
		_ = ssh.Unmarshal(req.Payload, &payload)
		_ = req.Reply(true, nil)
		s.mu.Lock()
		s.commands = append(s.commands, payload.Command)
		s.mu.Unlock()
		cmd := exec.Command("sh", "-c", payload.Command)
		cmd.Dir, cmd.Env = s.Home, []string{"HOME=" + s.Home, "PATH=/usr/bin:/bin"}
		cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, ch.Stderr()
		cmd.WaitDelay = time.Second // a client that never closes stdin
		code := 0
		if err := cmd.Run(); err != nil {
			code = 255
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
		}
		status := make([]byte, 4)
		binary.BigEndian.PutUint32(status, uint32(code))
		_, _ = ch.SendRequest("exit-status", false, status)
		return
	}
}
