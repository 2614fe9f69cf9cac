package setup

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// seedLikeConfig is the seed's setup expressed declaratively, with ugly
// strings where quoting matters.
func seedLikeConfig() *Config {
	content := "it's $HOME\n`id`\n"
	c := &Config{
		Packages: []string{"curl", "git"},
		Upgrade:  true,
		Reboot:   true,
		Groups:   []Group{{Name: "hashicorp", System: true}},
		Users: []User{{
			Name: "terraform", Groups: []string{"hashicorp"}, Shell: "/bin/bash",
			SudoNopasswd: true, SudoRules: []string{"ALL=(root) NOPASSWD: /usr/bin/systemctl"},
		}},
		Files:  []File{{Content: &content, Destination: "/etc/motd with space", Mode: "0600", Owner: "terraform:hashicorp"}},
		Inline: []string{"echo 'hello'"},
		Verify: []Verify{{Name: "terraform's sudo", Command: `sudo -u terraform sudo -n true && echo "ok $USER"`}},
	}
	c.Scripts = []string{"testdata/seed-setup.sh"}
	c.SSHClearAuthorizedKeys = true
	c.bootTimeout = 10 * time.Minute
	return c
}

func TestProgramGolden(t *testing.T) {
	in := planInput{
		RunDir:   "/tmp/immutable-setup-golden",
		UserKeys: [][]string{{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGolden user's key"}},
		SSHUser:  "terraform",
	}
	program, err := buildPlan(seedLikeConfig(), in).render()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "program.golden.sh", program)
	checkSyntax(t, program)
}

// checkSyntax parses the program with the shells it will meet.
func checkSyntax(t *testing.T, program string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "setup.sh")
	if err := os.WriteFile(path, []byte(program), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sh := range []string{"/bin/sh", "bash", "dash"} {
		if _, err := exec.LookPath(sh); err != nil {
			continue
		}
		if out, err := exec.Command(sh, "-n", path).CombinedOutput(); err != nil {
			t.Errorf("%s -n: %v\n%s", sh, err, out)
		}
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the rendered program (go test -update rewrites it after review):\n%s", path, got)
	}
}

// BenchmarkRenderProgram measures building and rendering the program for
// the seed-like configuration (done once per build).
func BenchmarkRenderProgram(b *testing.B) {
	c := seedLikeConfig()
	in := planInput{RunDir: "/tmp/x", UserKeys: [][]string{{"ssh-ed25519 AAAAkey"}}}
	for b.Loop() {
		if _, err := buildPlan(c, in).render(); err != nil {
			b.Fatal(err)
		}
	}
}
