package setup

import (
	"strings"
	"testing"
)

// TestClearAuthorizedKeysNeedsAnSSHUser: without Packer's SSH user name
// (another communicator), the option fails before anything runs; and it
// cannot be combined with seal = false.
func TestClearAuthorizedKeysNeedsAnSSHUser(t *testing.T) {
	var p Provisioner
	if err := p.Prepare(map[string]interface{}{"ssh_clear_authorized_keys": true}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.planInput(map[string]interface{}{"ConnType": "winrm"}); err == nil || !strings.Contains(err.Error(), "ssh_clear_authorized_keys: Packer gave no SSH user name") {
		t.Errorf("err %v", err)
	}
	err := p.Prepare(map[string]interface{}{"ssh_clear_authorized_keys": true, "seal": false})
	if err == nil || !strings.Contains(err.Error(), "ssh_clear_authorized_keys: takes effect when sealing, but seal = false") {
		t.Errorf("Prepare: %v", err)
	}
}
