package instanceinit

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestReadUnitSSH(t *testing.T) {
	u, err := ReadUnit("testdata/ssh.service")
	if err != nil {
		t.Fatal(err)
	}
	want := &Unit{Name: "ssh.service", Type: "notify", ExecStartPre: []string{"/usr/sbin/sshd -t"},
		ExecStart: []string{"/usr/sbin/sshd -D $SSHD_OPTS"}, EnvironmentFiles: []string{"-/etc/default/ssh"},
		RuntimeDirectory: []string{"sshd"}, PathConditions: []string{"!/etc/ssh/sshd_not_to_be_run"}}
	if !reflect.DeepEqual(u, want) {
		t.Errorf("ReadUnit:\n got %+v\nwant %+v", u, want)
	}
	env := map[string]string{"SSHD_OPTS": ""}
	if c := ParseCommand(u.ExecStart[0], env); !reflect.DeepEqual(c.Argv, []string{"/usr/sbin/sshd", "-D"}) {
		t.Errorf("empty $SSHD_OPTS must add no word: %q", c.Argv)
	}
	env["SSHD_OPTS"] = "-o LogLevel=DEBUG"
	if c := ParseCommand(u.ExecStart[0], env); !reflect.DeepEqual(c.Argv, []string{"/usr/sbin/sshd", "-D", "-o", "LogLevel=DEBUG"}) {
		t.Errorf("$SSHD_OPTS must split into words: %q", c.Argv)
	}
}

// A drop-in resets ExecStart with an empty assignment, as in systemd.
func TestReadUnitWithDropIn(t *testing.T) {
	u, err := ReadUnit("testdata/webapp.service")
	if err != nil {
		t.Fatal(err)
	}
	if !u.DynamicUser || u.WorkingDirectory != "/opt/webapp" || len(u.ExecStart) != 1 {
		t.Fatalf("unit: %+v", u)
	}
	if !reflect.DeepEqual(u.Environment, []string{"GREETING=hello world", "PLAIN=1", "PORT=9090"}) {
		t.Errorf("Environment = %q", u.Environment)
	}
	who, _ := identity(u)
	env, err := environment(u, who)
	if err != nil {
		t.Fatal(err)
	}
	c := ParseCommand(u.ExecStart[0], env)
	if !c.IgnoreFailure || !reflect.DeepEqual(c.Argv, []string{"/usr/bin/python3", "-m", "http.server", "9090", "--bind", "0.0.0.0"}) {
		t.Errorf("ParseCommand = %+v", c)
	}
	if who.cred == nil || who.cred.Uid != 65534 {
		t.Errorf("DynamicUser runs as %+v, want nobody", who)
	}
}

func TestWordsAndEnvFile(t *testing.T) {
	got := Words(`a "b c" 'd "e"' f\ g  `)
	if !reflect.DeepEqual(got, []string{"a", "b c", `d "e"`, "f g"}) {
		t.Errorf("Words = %q", got)
	}
	path := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(path, []byte("# comment\nA=1\n\nB=\"two words\"\nC=\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	if err := ReadEnvFile(path, env); err != nil || !reflect.DeepEqual(env, map[string]string{"A": "1", "B": "two words", "C": ""}) {
		t.Errorf("ReadEnvFile = %v, %v", env, err)
	}
	if c := ParseCommand("/bin/echo $A/x ${B}!", env); !reflect.DeepEqual(c.Argv, []string{"/bin/echo", "1/x", "two words!"}) {
		t.Errorf("ParseCommand = %q", c.Argv)
	}
}
