package setup

import (
	"strings"
	"testing"
)

// TestPrepareJudgesSudoRulesAndTheRebootWait: a valid sudo rule passes and
// a blank one is refused; reboot with boot_timeout = "0s" (no wait for the
// machine to come back) is refused, but a boot_timeout that is not a
// duration is reported once, as itself.
func TestPrepareJudgesSudoRulesAndTheRebootWait(t *testing.T) {
	for _, tc := range []struct {
		name    string
		config  map[string]interface{}
		want    string // "" when Prepare must accept the config
		notWant string
	}{
		{"valid sudo rule", map[string]interface{}{"user": []map[string]interface{}{
			{"name": "app", "sudo_rules": []string{"ALL=(root) NOPASSWD: /usr/bin/systemctl"}}}}, "", ""},
		{"blank sudo rule", map[string]interface{}{"user": []map[string]interface{}{
			{"name": "app", "sudo_rules": []string{"  "}}}}, "user[0].sudo_rules", ""},
		{"reboot without wait", map[string]interface{}{"reboot": true, "boot_timeout": "0s"}, "reboot: waits up to boot_timeout", ""},
		{"reboot with the default wait", map[string]interface{}{"reboot": true}, "", ""},
		{"reboot, bad boot_timeout", map[string]interface{}{"reboot": true, "boot_timeout": "soon"}, `boot_timeout: "soon" is not a duration`, "reboot:"},
	} {
		var p Provisioner
		err := p.Prepare(tc.config)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: Prepare refused it: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: Prepare = %v, want an error holding %q", tc.name, err, tc.want)
		case tc.notWant != "" && err != nil && strings.Contains(err.Error(), tc.notWant):
			t.Errorf("%s: Prepare = %v, want no %q error", tc.name, err, tc.notWant)
		}
	}
}
