package ami

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// TestRemoveKeyCommand runs the generated shell command on real files.
func TestRemoveKeyCommand(t *testing.T) {
	temp := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITemp/Key+Body= immutable-build-1"
	keep := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIUserKey user@laptop"
	for _, tc := range []struct{ name, before, after string }{
		{"removes only the temporary key", keep + "\n" + temp + "\n", keep + "\n"},
		{"file with only the temporary key", temp + "\n", ""},
		{"no file", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			path := filepath.Join(home, ".ssh", "authorized_keys")
			if tc.before != "" {
				_ = os.MkdirAll(filepath.Dir(path), 0o700)
				if err := os.WriteFile(path, []byte(tc.before), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command("sh", "-c", removeKeyCommand(keyBody([]byte(temp))))
			cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tc.after {
				t.Errorf("authorized_keys = %q, want %q", got, tc.after)
			}
			if fi, err := os.Stat(path); err == nil && fi.Mode().Perm() != 0o600 {
				t.Errorf("mode changed to %v", fi.Mode())
			}
		})
	}
}

// TestStepRemoveTempKeyTakesTheKeyFromState: the key StepKeyPair put in
// state is the one removed (matched on its base64 body), with no Config in
// between; a build with the template's own key (nothing in state) runs no
// command at all.
func TestStepRemoveTempKeyTakesTheKeyFromState(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	keys := &fakeKeys{}
	kp := &StepKeyPair{EC2: keys, Comm: &communicator.Config{}, Temporary: true, Name: "immutable-build-k"}
	if kp.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("StepKeyPair halted: %v", state.Get("error"))
	}
	comm := &packersdk.MockCommunicator{}
	statePut(state, stateCommunicator, packersdk.Communicator(comm))
	if (&StepRemoveTempKey{}).Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("StepRemoveTempKey halted: %v\n%s", state.Get("error"), out.String())
	}
	body := keyBody(keys.imported.PublicKeyMaterial)
	if !comm.StartCalled || comm.StartCmd.Command != removeKeyCommand(body) {
		t.Errorf("ran %+v, want the removal of key body %s", comm.StartCmd, body)
	}

	own := testState(&out)
	(&StepKeyPair{Comm: &communicator.Config{SSH: communicator.SSH{SSHKeyPairName: "mine"}}}).Run(context.Background(), own)
	comm = &packersdk.MockCommunicator{}
	statePut(own, stateCommunicator, packersdk.Communicator(comm))
	if (&StepRemoveTempKey{}).Run(context.Background(), own) != multistep.ActionContinue || comm.StartCalled {
		t.Errorf("with the template's own key a command ran: %+v", comm.StartCmd)
	}
}

// TestClearAuthorizedKeysAlsoCleansRoot: ssh_clear_authorized_keys adds a
// second command removing the key from /root/.ssh/authorized_keys through
// sudo; run here with a stand-in sudo and /root pointed at a temporary
// folder, it removes exactly the temporary key there (the quoting holds).
func TestClearAuthorizedKeysAlsoCleansRoot(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	temp := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITemp/Key+Body= immutable-build-1"
	statePut(state, stateTempPublicKey, []byte(temp))
	comm := &packersdk.MockCommunicator{}
	statePut(state, stateCommunicator, packersdk.Communicator(comm))
	if (&StepRemoveTempKey{AlsoRoot: true}).Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("halted: %v", state.Get("error"))
	}
	cmd := comm.StartCmd.Command
	if !strings.HasPrefix(cmd, "sudo -n sh -c ") || !strings.Contains(cmd, "/root/.ssh/authorized_keys") {
		t.Fatalf("last command %q, want the removal from root's authorized_keys through sudo", cmd)
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	keep := "no-port-forwarding ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIUserKey user@laptop\n"
	_ = os.MkdirAll(filepath.Join(root, ".ssh"), 0o700)
	_ = os.WriteFile(filepath.Join(root, ".ssh", "authorized_keys"), []byte(keep+temp+"\n"), 0o600)
	_ = os.WriteFile(filepath.Join(dir, "sudo"), []byte("#!/bin/sh\n[ \"$1\" = -n ] && shift\nexec \"$@\"\n"), 0o755)
	run := exec.Command("sh", "-c", strings.ReplaceAll(cmd, "/root", root))
	run.Env = []string{"PATH=" + dir + ":/usr/bin:/bin"}
	if b, err := run.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if got, _ := os.ReadFile(filepath.Join(root, ".ssh", "authorized_keys")); string(got) != keep {
		t.Errorf("root's authorized_keys = %q, want only %q", got, keep)
	}
}
