package setup

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// shellWithStubs runs script after sourcing the program's helpers, with
// PATH holding only stub commands (name -> sh body), so package manager
// paths that this machine cannot run for real are exercised: dnf, and apt
// under lock contention. The helpers' state folder (/run/immutable-setup on
// a machine) and the reboot flag are moved into the test's folder, as
// $state and $flag. It returns the output and the calls the stubs logged.
func shellWithStubs(t *testing.T, stubs map[string]string, script string) (string, string, error) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	calls := filepath.Join(dir, "calls")
	for name, body := range stubs {
		if strings.HasPrefix(body, "/") { // a real tool the helper needs
			if err := os.Symlink(body, filepath.Join(bin, name)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		body = strings.ReplaceAll(body, "@CALLS@", shellQuote(calls))
		stub := "#!/bin/sh\necho \"" + name + " $*\" >>" + shellQuote(calls) + "\n" + body + "\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(stub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	helpers := filepath.Join(dir, "helpers.sh")
	if err := os.WriteFile(helpers, []byte(helpersSource), 0o644); err != nil {
		t.Fatal(err)
	}
	sh, _ := exec.LookPath("sh")
	cmd := exec.Command(sh, "-c", "work="+shellQuote(dir)+"; apt_retry_delay=0; . "+shellQuote(helpers)+
		"; state="+shellQuote(filepath.Join(dir, "state"))+"; reboot_flag="+shellQuote(filepath.Join(dir, "reboot-required"))+
		"; flag=$reboot_flag; "+script)
	cmd.Env = []string{"PATH=" + bin}
	out, err := cmd.CombinedOutput()
	logged, _ := os.ReadFile(calls)
	return string(out), string(logged), err
}

func TestEnsurePackagesSkipsInstalled(t *testing.T) {
	out, calls, err := shellWithStubs(t, map[string]string{
		"yum": "exit 0",
		"rpm": "exit 0",
	}, "set -e; ensure_packages 0 curl git")
	if !strings.Contains(calls, "rpm -q --whatprovides curl\n") {
		t.Errorf("installed packages not asked by what provides them: %q", calls)
	}
	if err != nil || !strings.Contains(out, "already installed: curl git") || strings.Contains(calls, "yum") {
		t.Errorf("err %v, output %q, calls %q", err, out, calls)
	}
}

// TestAptLockRetried: apt-get fails twice because another process holds the
// lock (as cloud-init does right after boot); the helper retries and the
// step succeeds. A failure for another reason is returned at once.
func TestAptLockRetried(t *testing.T) {
	lockedTwice := `n=$(grep -c '^apt-get' @CALLS@)
if [ "$n" -le 2 ]; then echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 42 (apt-get)"; exit 100; fi
echo "apt-get did: $*"`
	out, calls, err := shellWithStubs(t, map[string]string{"apt-get": lockedTwice, "grep": "/usr/bin/grep", "cat": "/usr/bin/cat", "sleep": "/usr/bin/sleep"},
		"set -e; apt_get update")
	if err != nil {
		t.Fatalf("apt_get gave up: %v\n%s", err, out)
	}
	if got := strings.Count(calls, "apt-get "); got != 3 || strings.Count(out, "apt is locked by another process") != 2 {
		t.Errorf("want 3 attempts and 2 retry messages; calls:\n%s\noutput:\n%s", calls, out)
	}

	out, calls, err = shellWithStubs(t, map[string]string{"apt-get": "echo 'E: Unable to locate package nope'; exit 100",
		"grep": "/usr/bin/grep", "cat": "/usr/bin/cat", "sleep": "/usr/bin/sleep"}, "apt_get install nope")
	if err == nil || strings.Count(calls, "apt-get ") != 1 || !strings.Contains(out, "Unable to locate package nope") {
		t.Errorf("a real apt failure should be returned at once: err %v, calls %q, output %q", err, calls, out)
	}
}

// TestRunScriptHonoursShebangWithoutExec: scripts are run through their
// interpreter (with its argument), so a noexec remote folder works; the file
// is not even executable here.
func TestRunScriptHonoursShebangWithoutExec(t *testing.T) {
	dir := t.TempDir()
	withShebang := filepath.Join(dir, "a.sh")
	_ = os.WriteFile(withShebang, []byte("#!/bin/sh -e\r\necho \"flags $-\"\n"), 0o600)
	without := filepath.Join(dir, "b.sh")
	_ = os.WriteFile(without, []byte("echo plain sh\n"), 0o600)
	tools := map[string]string{"head": "/usr/bin/head", "tr": "/usr/bin/tr"}
	out, _, err := shellWithStubs(t, tools, "run_script "+shellQuote(withShebang)+" && run_script "+shellQuote(without))
	if err != nil || !strings.Contains(out, "flags e") || !strings.Contains(out, "plain sh") {
		t.Errorf("err %v, output %q", err, out)
	}
}
