//go:generate go tool packer-sdc struct-markdown

package ami

import (
	"fmt"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/communicator"
)

// sessionManager is ssh_interface's value that tunnels SSH through AWS
// Systems Manager Session Manager.
const sessionManager = "session_manager"

// SessionManagerConfig tunes SSH through Session Manager
// (`ssh_interface = "session_manager"`): the build instance then needs no
// inbound rule and no public address, only the SSM agent, an instance
// profile that lets it register (iam_instance_profile or
// temporary_iam_instance_profile_policy_document) and a route to the SSM
// endpoints. The tunnel runs inside the plugin: unlike amazon-ebs, no
// session-manager-plugin binary is needed (one on PATH is not used).
type SessionManagerConfig struct {
	// The port on 127.0.0.1 where the tunnel's local end listens, and
	// where SSH connects. Default: a free port chosen by the system.
	SessionManagerPort int `mapstructure:"session_manager_port" required:"false"`
	// How long to wait after the instance runs before starting the
	// session, e.g. `30s`. Default: 0; the session is retried anyway
	// until the instance's agent comes online (up to ssh_timeout).
	// amazon-ebs documents 10s but waits 0s unless set.
	PauseBeforeSSM time.Duration `mapstructure:"pause_before_ssm" required:"false"`
}

// Prepare validates the tunnel settings against how the template connects:
// they apply only with session_manager, which in turn needs an instance
// profile and rules out addresses of its own.
func (c *SessionManagerConfig) Prepare(sshInterface string, hasProfile bool, comm *communicator.Config, sourceCIDRs []string) []error {
	var errs []error
	if sshInterface != sessionManager {
		if c.SessionManagerPort != 0 {
			errs = append(errs, fmt.Errorf("session_manager_port applies only with ssh_interface = %q: remove it or set ssh_interface", sessionManager))
		}
		if c.PauseBeforeSSM != 0 {
			errs = append(errs, fmt.Errorf("pause_before_ssm applies only with ssh_interface = %q: remove it or set ssh_interface", sessionManager))
		}
		return errs
	}
	if c.SessionManagerPort < 0 || c.SessionManagerPort > 65535 {
		errs = append(errs, fmt.Errorf("session_manager_port %d is not a TCP port (1-65535; 0 or unset picks a free one)", c.SessionManagerPort))
	}
	if c.PauseBeforeSSM < 0 {
		errs = append(errs, fmt.Errorf("pause_before_ssm %s is negative", c.PauseBeforeSSM))
	}
	if comm.Type != "" && comm.Type != "ssh" {
		errs = append(errs, fmt.Errorf("ssh_interface = %q connects the ssh communicator; communicator is %q", sessionManager, comm.Type))
	}
	if !hasProfile {
		errs = append(errs, fmt.Errorf("ssh_interface = %q needs an instance profile that lets the SSM agent register "+
			"(AWS's AmazonSSMManagedInstanceCore policy): set iam_instance_profile, or "+
			"temporary_iam_instance_profile_policy_document to have one made for the build", sessionManager))
	}
	for _, o := range []struct {
		attr string
		set  bool
	}{
		{"ssh_host", comm.SSHHost != ""}, {"ssh_bastion_host", comm.SSHBastionHost != ""},
		{"ssh_proxy_host", comm.SSHProxyHost != ""}, {"temporary_security_group_source_cidrs", len(sourceCIDRs) > 0},
	} {
		if o.set {
			errs = append(errs, fmt.Errorf("%s has no use with ssh_interface = %q (SSH goes through the session tunnel on 127.0.0.1, "+
				"and the temporary security group admits nothing): remove it", o.attr, sessionManager))
		}
	}
	return errs
}
