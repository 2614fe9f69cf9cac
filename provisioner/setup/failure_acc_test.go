//go:build acc

package setup

import (
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/roottest"
)

// TestFailuresInDebianRoot: a bad sudoers rule is rejected by visudo before
// anything changes (the root is identical afterwards), and a failing image
// test fails the build naming the check and showing its output.
func TestFailuresInDebianRoot(t *testing.T) {
	t.Parallel()
	root := roottest.Root(t)
	before := roottest.Snapshot(t, root)
	_, err := provision(t, root, map[string]interface{}{
		"group": []map[string]interface{}{{"name": "ops"}},
		"user": []map[string]interface{}{{
			"name": "deploy", "groups": []string{"ops"}, "sudo_rules": []string{"ALL=(ALL NOPASSWD: ALL"},
		}},
	}, nil)
	if err == nil {
		t.Fatal("a sudoers rule visudo rejects did not fail the provisioner")
	}
	for _, want := range []string{`step 2/5 "check sudoers rules" failed with exit code 1`, "visudo rejected the sudoers rules"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if diff := roottest.Diff(before, roottest.Snapshot(t, root)); len(diff) > 0 {
		t.Errorf("the rejected run changed the root:\n%s", strings.Join(diff, "\n"))
	}

	_, err = provision(t, root, map[string]interface{}{
		"verify": []map[string]interface{}{
			{"name": "bash is there", "command": "test -x /bin/bash"},
			{"name": "nginx is installed", "command": "echo looking for nginx; command -v nginx"},
		},
	}, nil)
	if err == nil {
		t.Fatal("a failing verify block did not fail the provisioner")
	}
	for _, want := range []string{`step 3/4 "verify nginx is installed" failed with exit code 127`, "looking for nginx"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if keys := read(t, root, "etc/ssh/ssh_host_ed25519_key.pub"); keys == "" {
		t.Error("the image was sealed although a check failed")
	}
	noRunDirLeft(t, root)
}

// TestSeedScriptUnchanged runs a script written like the seed's setup.sh
// (sudo on every line, a key uploaded to /tmp beforehand) through script.
func TestSeedScriptUnchanged(t *testing.T) {
	t.Parallel()
	root := roottest.Root(t)
	comm := &roottest.Comm{Dir: root}
	if err := comm.Upload("/tmp/tf-packer.pub", strings.NewReader(userKey+"\n"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := provision(t, root, map[string]interface{}{"script": "testdata/seed-setup.sh", "seal": false}, nil); err != nil {
		t.Fatalf("the seed-like script failed: %v", err)
	}
	if got := read(t, root, "home/terraform/.ssh/authorized_keys"); got != userKey+"\n" {
		t.Errorf("authorized_keys holds %q", got)
	}
	if got := read(t, root, "home/terraform/go/src/app.txt"); got != "app for terraform\n" {
		t.Errorf("the app step wrote %q", got)
	}
	if got := line(t, read(t, root, "etc/group"), "hashicorp:"); !strings.HasSuffix(got, ":terraform") {
		t.Errorf("group entry %q", got)
	}
	expectMode(t, root, "home/terraform/.ssh/authorized_keys", 0o600, 1000)
	if read(t, root, "usr/bin/tree") == "" {
		t.Error("tree was not installed")
	}
}
