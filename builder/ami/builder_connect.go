package ami

import (
	"errors"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// hostFromState is communicator.StepConnect's Host: the address
// StepRunInstance chose (ssh_host, or per ssh_interface).
func hostFromState(state multistep.StateBag) (string, error) {
	h, ok := stateGet[string](state, stateSSHHost)
	if !ok || h == "" {
		return "", errors.New("no address to SSH to yet")
	}
	return h, nil
}

// portFromState is communicator.StepConnect's SSHPort: the Session Manager
// tunnel's local port, or ssh_port.
func portFromState(sshPort int) func(multistep.StateBag) (int, error) {
	return func(state multistep.StateBag) (int, error) {
		if p, ok := stateGet[int](state, stateSSHPort); ok {
			return p, nil
		}
		return sshPort, nil
	}
}
