package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// secretsTemplate bakes with every component of the plugin (immutable-ami,
// immutable-setup, immutable-tfvars) plus the probe that captures the
// temporary private key for the test.
const secretsTemplate = `
variable "ssh_port" {
  type = number
}

source "immutable-ami" "secrets" {
  region        = "us-east-1"
  instance_type = "t2.micro"
  ami_name      = "secrets-{{timestamp}}"
  source_ami_filter {
    filters = {
      name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"]
    most_recent = true
  }
  ssh_username                          = "ubuntu"
  ssh_host                              = "127.0.0.1"
  ssh_port                              = var.ssh_port
  temporary_security_group_source_cidrs = ["127.0.0.1/32"]
}

build {
  sources = ["source.immutable-ami.secrets"]

  provisioner "probe-capture" {}

  provisioner "immutable-setup" {
    inline = ["echo baked > /tmp/baked"]
    verify {
      name    = "baked"
      command = "test -f /tmp/baked"
    }
  }

  post-processor "immutable-tfvars" {
    path         = "${path.root}/terraform.tfvars"
    map_variable = "ami_ids"
  }
}
`

// TestPackerLogHoldsNoSecret runs a real build with PACKER_LOG=1, every
// component of the plugin and AWS credentials of its own (a secret key and
// a session token no other test uses), and scans everything packer wrote
// (stdout, stderr and the PACKER_LOG_PATH file, which gathers the logs of
// every plugin process) for the temporary private key, line by line, and
// for the credentials.
func TestPackerLogHoldsNoSecret(t *testing.T) {
	requireRoot(t)
	repo, work := packertest.RepoRoot(t), t.TempDir()
	cloud := startCloud(t, repo, filepath.Join(work, "cloud"))
	packer, plugins := packertest.Packer(t), filepath.Join(work, "plugins")
	packertest.Install(t, packer, packertest.BuildPlugin(t, work, false), plugins)
	probe := packertest.Build(t, "./e2e/testdata/probeplugin", filepath.Join(work, "probe", "packer-plugin-probe"))
	packertest.InstallAs(t, packer, probe, plugins, "github.com/immutable-infrastructure/probe")
	writeFile(t, filepath.Join(work, "build.pkr.hcl"), secretsTemplate)
	writeFile(t, filepath.Join(work, "terraform.tfvars"), "ami_id = \"ami-00000000\"\n")

	secret, token := randomSecret(t, 30), randomSecret(t, 200)
	keyFile, logFile := filepath.Join(work, "captured.pem"), filepath.Join(work, "packer.log")
	cmd := exec.Command(packer, "build", "-color=false", "-var", "ssh_port="+cloud.env["SSH_PORT"], "build.pkr.hcl")
	cmd.Dir = work
	cmd.Env = cloud.environ(append(packertest.Vars(plugins), "PACKER_LOG=1", "PACKER_LOG_PATH="+logFile,
		"AWS_ACCESS_KEY_ID=AKIALEAKTEST"+randomSecret(t, 6), "AWS_SECRET_ACCESS_KEY="+secret, "AWS_SESSION_TOKEN="+token,
		"PROBE_KEY_FILE="+keyFile)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("packer build: %v\n%s%s", err, stdout.String(), tail(readFile(t, logFile), 40))
	}
	logged := readFile(t, logFile)
	// The scan is only worth something if every component logged there.
	for _, want := range []string{"immutable-tfvars: artifact", "immutable-setup: program for", "Creating temporary ed25519 key pair"} {
		if !strings.Contains(logged, want) {
			t.Fatalf("the log lacks %q: the scan would prove nothing", want)
		}
	}
	secrets := map[string]string{"AWS secret access key": secret, "AWS session token": token}
	key := readFile(t, keyFile)
	for i, line := range strings.Split(strings.TrimSpace(key), "\n") {
		if !strings.HasPrefix(line, "-----") {
			secrets["private key line "+strconv.Itoa(i)] = line
		}
	}
	if len(secrets) < 4 || !strings.Contains(key, "PRIVATE KEY") {
		t.Fatalf("the probe captured no private key: %q", key)
	}
	for source, text := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "PACKER_LOG_PATH": logged} {
		for what, s := range secrets {
			if i := strings.Index(text, s); i >= 0 {
				t.Errorf("%s holds the %s: …%s…", source, what, text[max(0, i-200):i])
			}
		}
	}
}

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
