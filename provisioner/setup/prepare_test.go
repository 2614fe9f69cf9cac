package setup

import (
	"strings"
	"testing"
)

func TestPrepareDefaults(t *testing.T) {
	var p Provisioner
	err := p.Prepare(map[string]interface{}{
		"script": "testdata/hello.sh",
		"file":   []map[string]interface{}{{"content": "", "destination": "/etc/empty"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := p.config
	if c.ExecuteCommand != defaultExecuteCommand || c.RemoteFolder != "/tmp" || c.Files[0].Mode != "0644" {
		t.Errorf("defaults not applied: %q %q %q", c.ExecuteCommand, c.RemoteFolder, c.Files[0].Mode)
	}
	if len(c.Scripts) != 1 || c.Scripts[0] != "testdata/hello.sh" {
		t.Errorf("script not added to scripts: %v", c.Scripts)
	}
	if c.Seal != nil {
		t.Error("seal should stay unset (meaning true)")
	}
	// The program changes the system: by default it runs as root through
	// sudo, without a password prompt that would hang the build.
	if !strings.HasPrefix(c.ExecuteCommand, "sudo -n ") {
		t.Errorf("default execute_command %q does not run the program with sudo -n", c.ExecuteCommand)
	}
}

// TestPrepareReportsEveryProblem gives one configuration with many mistakes
// and expects one error naming each attribute.
func TestPrepareReportsEveryProblem(t *testing.T) {
	var p Provisioner
	err := p.Prepare(map[string]interface{}{
		"packages": []string{"curl", "bad name", "*"},
		"group":    []map[string]interface{}{{"name": "Bad Group"}},
		"user": []map[string]interface{}{
			{"shell": "bash", "home": "home/x"},
			{"name": "ok", "groups": []string{"no such!"}, "sudo_rules": []string{"ALL\nALL"},
				"authorized_keys": []string{"not a key"}, "authorized_key_files": []string{"testdata/missing.pub"}},
		},
		"file": []map[string]interface{}{
			{"source": "testdata/hello.sh", "content": "x", "destination": "/etc/x"},
			{"destination": "relative/path", "mode": "644x"},
			{"source": "testdata/missing", "destination": "/etc/y", "owner": "a:b:c"},
		},
		"scripts":          []string{"testdata/nope.sh"},
		"environment_vars": []string{"NOEQUALS", "=empty"},
		"env":              map[string]string{"1BAD": "x"},
		"remote_folder":    "/tmp/with space",
		"verify":           []map[string]interface{}{{"command": "true"}, {"name": "no command"}},
	})
	if err == nil {
		t.Fatal("Prepare accepted a broken configuration")
	}
	for _, want := range []string{
		`packages: "bad name"`, `packages: "*"`, `group[0].name: "Bad Group"`,
		`user[0].name: required`, `user[0].shell: "bash"`, `user[0].home: "home/x"`,
		`user[1].groups: "no such!"`, `user[1].sudo_rules`, `user[1].authorized_keys: "not a key"`,
		`user[1].authorized_key_files: cannot read "testdata/missing.pub"`,
		"file[0]: both source and content", "file[1]: set source", `file[1].destination: "relative/path"`,
		`file[1].mode: "644x"`, `file[2].source: cannot read "testdata/missing"`, `file[2].owner: "a:b:c"`,
		`script/scripts: cannot read "testdata/nope.sh"`, `environment_vars: "NOEQUALS"`,
		`environment_vars: "=empty"`, `env: "1BAD"`, `remote_folder: "/tmp/with space"`,
		"verify[0].name: required", "verify[1].command: required",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q", want)
		}
	}
	if strings.Contains(err.Error(), "packages: \"curl\"") {
		t.Error("a valid package was reported")
	}
	t.Logf("%v", err)
}

func TestKeyFileSkipsCommentsAndBlanks(t *testing.T) {
	keys, err := userKeys(User{Name: "u", AuthorizedKeys: []string{userKey}, AuthorizedKeyFiles: []string{"testdata/keys.pub"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 || keys[0] != userKey || !strings.HasPrefix(keys[2], "ecdsa-sha2-nistp256 AAAA") {
		t.Errorf("keys = %q", keys)
	}
}

func TestKeyBlob(t *testing.T) {
	for in, want := range map[string]string{
		"ssh-ed25519 AAAAkey comment":                "AAAAkey",
		"ssh-ed25519 AAAAkey\n":                      "AAAAkey",
		`no-pty,command="x y" ssh-rsa AAAAB3rsa c d`: "AAAAB3rsa",
		"":             "",
		"AAAAonlyblob": "",
	} {
		if got := keyBlob(in); got != want {
			t.Errorf("keyBlob(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEnvVarsQuoted(t *testing.T) {
	got := envVars("b", "immutable-ami", []string{"A=it's", "B=x=y"}, map[string]string{"Z": "$z", "C": ""})
	want := `PACKER_BUILD_NAME='b' PACKER_BUILDER_TYPE='immutable-ami' A='it'\''s' B='x=y' C='' Z='$z'`
	if got != want {
		t.Errorf("envVars = %s\nwant      %s", got, want)
	}
}
