package ami

import (
	"context"
	"errors"
	"fmt"
	"log"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtunnel"
)

// sessionSSM is the SSM client a tunnel needs: its session calls, and its
// options for the credentials that sign the data channel.
type sessionSSM interface {
	ssmtunnel.SSM
	Options() ssm.Options
}

// StepSessionTunnel, for ssh_interface = "session_manager", opens a
// Session Manager port-forwarding session to the build instance's SSH port
// (as amazon-ebs does with AWS's session-manager-plugin, here in-process)
// after pause_before_ssm, waiting up to ConnectTimeout (ssh_timeout) for the
// instance's agent, and points SSH at the tunnel's local end. Cleanup ends
// the session.
// Uses: stateInstanceID. Puts: stateSSHHost, stateSSHPort.
type StepSessionTunnel struct {
	SSM clientFor[sessionSSM]
	// KMS makes the data key when the account's Session Manager
	// preferences encrypt sessions.
	KMS    clientFor[ssmtunnel.KMS]
	Region string
	// RemotePort is ssh_port on the instance; LocalPort is
	// session_manager_port (0: any free port).
	RemotePort, LocalPort int
	Pause                 time.Duration
	ConnectTimeout        time.Duration

	tunnel *ssmtunnel.Tunnel
}

func (s *StepSessionTunnel) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	id, _ := stateGet[string](state, stateInstanceID)
	if s.Pause > 0 {
		uiOf(state).Say(fmt.Sprintf("Waiting %s (pause_before_ssm) before starting the session ...", s.Pause))
		select {
		case <-time.After(s.Pause):
		case <-ctx.Done():
			return halt(state, ctx.Err())
		}
	}
	client, err := s.SSM(ctx, s.Region)
	if err != nil {
		return halt(state, err)
	}
	keys, err := s.KMS(ctx, s.Region)
	if err != nil {
		return halt(state, err)
	}
	s.tunnel, err = ssmtunnel.Open(ctx, ssmtunnel.Config{SSM: client, KMS: keys, Credentials: client.Options().Credentials,
		Region: s.Region, InstanceID: id, RemotePort: s.RemotePort, LocalPort: s.LocalPort,
		ConnectTimeout: s.ConnectTimeout, Say: uiOf(state).Say})
	if errors.Is(err, syscall.EADDRINUSE) && s.LocalPort != 0 {
		return halt(state, fmt.Errorf("session_manager_port %d is in use on this machine: choose another, or remove it "+
			"to have a free port chosen: %w", s.LocalPort, err))
	}
	if err != nil {
		return halt(state, fmt.Errorf("ssh_interface = %q: %w", sessionManager, err))
	}
	statePut(state, stateSSHHost, "127.0.0.1")
	statePut(state, stateSSHPort, s.tunnel.Port())
	return multistep.ActionContinue
}

func (s *StepSessionTunnel) Cleanup(state multistep.StateBag) {
	if s.tunnel == nil {
		return
	}
	uiOf(state).Say("Ending the Session Manager session ...")
	if err := s.tunnel.Close(); err != nil {
		// A session left open costs nothing and ends at the service's
		// idle timeout; say how to end it now.
		log.Printf("[WARN] %v", err)
		uiOf(state).Error(err.Error())
	}
	s.tunnel = nil
}
