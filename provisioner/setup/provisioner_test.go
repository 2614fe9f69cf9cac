package setup

import "testing"

// TestExecuteCommandTemplate renders a custom execute_command (no sudo)
// with .Path and .Vars.
func TestExecuteCommandTemplate(t *testing.T) {
	var p Provisioner
	err := p.Prepare(map[string]interface{}{
		"inline": []string{"true"}, "execute_command": "{{.Vars}} bash {{.Path}}",
		"environment_vars": []string{"A=1 2"}, "packer_build_name": "web",
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.executeCommand("/tmp/d/setup.sh", map[string]interface{}{"SSHPublicKey": "k"})
	if want := "PACKER_BUILD_NAME='web' A='1 2' bash /tmp/d/setup.sh"; err != nil || got != want {
		t.Errorf("execute_command rendered %q (%v), want %q", got, err, want)
	}
}
