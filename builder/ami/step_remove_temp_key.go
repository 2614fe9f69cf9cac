package ami

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// StepRemoveTempKey deletes the temporary public key from the SSH user's
// ~/.ssh/authorized_keys before the image is taken, so instances launched
// from it do not trust a key that only this build knew (amazon-ebs leaves
// it unless ssh_clear_authorized_keys). Lines are matched on the key's
// base64 body, whatever comment cloud-init gave them; a missing file (keys
// served by AuthorizedKeysCommand) is fine. The builder is the one
// component that removes this key.
// With ssh_clear_authorized_keys it also removes the key from
// /root/.ssh/authorized_keys through sudo, as amazon-ebs does (cloud-init
// puts it there too); that is best effort: without sudo it is reported, not
// fatal. Uses: stateTempPublicKey (absent when the template brought its own
// key: nothing to remove), stateCommunicator. Puts: nothing.
type StepRemoveTempKey struct {
	// AlsoRoot is ssh_clear_authorized_keys.
	AlsoRoot bool
}

func (s *StepRemoveTempKey) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	public, _ := stateGet[[]byte](state, stateTempPublicKey)
	body := keyBody(public)
	if body == "" {
		return multistep.ActionContinue
	}
	comm, ok := stateGet[packersdk.Communicator](state, stateCommunicator)
	if !ok {
		return multistep.ActionContinue
	}
	uiOf(state).Say("Removing the temporary SSH key from ~/.ssh/authorized_keys ...")
	cmd := &packersdk.RemoteCmd{Command: removeKeyCommand(body)}
	if err := cmd.RunWithUi(ctx, comm, uiOf(state)); err != nil {
		return halt(state, fmt.Errorf("removing the temporary key from authorized_keys: %w", err))
	}
	if cmd.ExitStatus() != 0 {
		return halt(state, fmt.Errorf("removing the temporary key from authorized_keys: exit status %d", cmd.ExitStatus()))
	}
	if s.AlsoRoot {
		uiOf(state).Say("ssh_clear_authorized_keys: removing the temporary SSH key from /root/.ssh/authorized_keys ...")
		root := &packersdk.RemoteCmd{Command: "sudo -n sh -c " + shellQuote(strings.ReplaceAll(removeKeyCommand(body), "$HOME", "/root"))}
		if err := root.RunWithUi(ctx, comm, uiOf(state)); err != nil || root.ExitStatus() != 0 {
			uiOf(state).Say(fmt.Sprintf("Could not clean /root/.ssh/authorized_keys (sudo -n, exit %d, %v): check the image", root.ExitStatus(), err))
		}
	}
	return multistep.ActionContinue
}

// shellQuote quotes s for sh as one word.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func (s *StepRemoveTempKey) Cleanup(multistep.StateBag) {}

// keyBody is the base64 field of an authorized_keys line.
func keyBody(authorizedKey []byte) string {
	fields := strings.Fields(string(authorizedKey))
	if len(fields) < 2 {
		return ""
	}
	return fields[1]
}

// removeKeyCommand rewrites authorized_keys without the lines holding body,
// in place (cat >), so the file keeps its owner and mode. The body is
// base64 (A-Z a-z 0-9 + / =): safe inside single quotes.
func removeKeyCommand(body string) string {
	return fmt.Sprintf(`f="$HOME/.ssh/authorized_keys"; [ -f "$f" ] || exit 0; `+
		`t=$(mktemp) && { grep -vF '%s' "$f" > "$t" || true; } && cat "$t" > "$f" && rm -f "$t"`, body)
}
