//go:build acc

package e2e

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloudtest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// TestPackerLogHoldsNoSecret runs a real build with PACKER_LOG=1, every
// component of the plugin and AWS credentials of its own (a secret key and
// a session token no other test uses), and scans everything packer wrote
// (stdout, stderr and the PACKER_LOG_PATH file, which gathers the logs of
// every plugin process) for the temporary private key and the credentials.
func TestPackerLogHoldsNoSecret(t *testing.T) {
	secret, token := randomSecret(t, 30), randomSecret(t, 200)
	b := loggedBuild(t, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_SESSION_TOKEN="+token)
	// The scan is only worth something if every component logged there.
	for _, want := range []string{"immutable-tfvars: artifact", "immutable-setup: program for", "Creating temporary ed25519 key pair"} {
		if !strings.Contains(b.outputs["PACKER_LOG_PATH"], want) {
			t.Fatalf("the log lacks %q: the scan would prove nothing", want)
		}
	}
	signer, err := ssh.ParsePrivateKey([]byte(b.key))
	if err != nil {
		t.Fatalf("the probe captured no private key (%v): %q", err, b.key)
	}
	public := referenceKeyBody + " " + string(ssh.MarshalAuthorizedKey(signer.PublicKey())) // logged, and no secret
	body := keyBody(b.key)
	if n := windows(body, public); n < 4 {
		t.Fatalf("only %d windows of the key body are secret: the scan would prove little", n)
	}
	secrets := map[string]string{"AWS secret access key": secret, "AWS session token": token, "private key": body}
	for source, text := range b.outputs {
		for what, s := range secrets {
			if at, ok := leak(text, s, public); ok {
				t.Errorf("%s holds part of the %s: …%s…", source, what, text[max(0, at-200):at])
			}
		}
	}
}

// build is what a logged build left: packer's outputs by name, and the
// temporary private key the probe captured.
type build struct {
	outputs map[string]string
	key     string
}

// loggedBuild runs testdata/secrets.pkr.hcl in a fresh local cloud with PACKER_LOG=1
// and PACKER_LOG_PATH, and env on top of the cloud's.
func loggedBuild(t *testing.T, env ...string) build {
	t.Helper()
	requireRoot(t)
	work := t.TempDir()
	cloud := localcloudtest.Start(t, filepath.Join(work, "cloud"))
	packer, plugins := packertest.Packer(t), filepath.Join(work, "plugins")
	packertest.Install(t, packer, packertest.BuildPlugin(t, work, false), plugins)
	probe := packertest.Build(t, "./e2e/testdata/probeplugin", filepath.Join(work, "probe", "packer-plugin-probe"))
	packertest.InstallAs(t, packer, probe, plugins, "github.com/immutable-infrastructure/probe")
	template, err := os.ReadFile(filepath.Join("testdata", "secrets.pkr.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(work, "build.pkr.hcl"), string(template))
	writeFile(t, filepath.Join(work, "terraform.tfvars"), "ami_id = \"ami-00000000\"\n")

	keyFile, logFile := filepath.Join(work, "captured.pem"), filepath.Join(work, "packer.log")
	cmd := exec.Command(packer, "build", "-color=false", "-var", "ssh_port="+cloud.SSHPort(), "build.pkr.hcl")
	cmd.Dir = work
	cmd.Env = cloud.Environ(append(append(packertest.Vars(plugins), "PACKER_LOG=1", "PACKER_LOG_PATH="+logFile,
		"AWS_ACCESS_KEY_ID=AKIALEAKTEST"+randomSecret(t, 6), "PROBE_KEY_FILE="+keyFile), env...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("packer build: %v\n%s%s", err, stdout.String(), tail(readFile(t, logFile), 40))
	}
	return build{key: readFile(t, keyFile), outputs: map[string]string{
		"stdout": stdout.String(), "stderr": stderr.String(), "PACKER_LOG_PATH": readFile(t, logFile)}}
}

// keyBody is a PEM key's base64 body without its line breaks, so that a
// leak is found however a log wrapped or escaped it.
func keyBody(key string) string {
	var b strings.Builder
	for line := range strings.Lines(key) {
		if line = strings.TrimSpace(line); !strings.HasPrefix(line, "-----") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// windows counts the windows of secret that leak looks for.
func windows(secret, public string) (n int) {
	for i := 0; i+24 <= len(secret); i += 12 {
		if !strings.Contains(public, secret[i:i+24]) {
			n++
		}
	}
	return n
}

// leak reports where text holds any 24 characters of secret in a row
// (checked at every 12th offset: any run of 36 characters is found), but
// for those that public holds too (a key body also holds its format's
// constants and the public key).
func leak(text, secret, public string) (int, bool) {
	for i := 0; i+24 <= len(secret); i += 12 {
		if w := secret[i : i+24]; !strings.Contains(public, w) {
			if at := strings.Index(text, w); at >= 0 {
				return at, true
			}
		}
	}
	return 0, false
}

// referenceKeyBody is the body of another OpenSSH ed25519 key: what is the
// same in every such key is no secret.
var referenceKeyBody = func() string {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, _ := ssh.MarshalPrivateKey(priv, "")
	return keyBody(string(pem.EncodeToMemory(block)))
}()

func randomSecret(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return strings.TrimRight(base64.RawURLEncoding.EncodeToString(b), "=")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
