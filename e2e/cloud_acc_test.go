//go:build acc

// Package e2e runs the project's whole loop with the real binaries — packer,
// the plugin, terraform, sshd and moto — and asserts on what a user would
// check in the cloud afterwards. Everything is started here (never skipped
// when missing) and stopped by PID when the test ends.
package e2e

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// localCloud is a cloud started by localcloud/up.sh: moto as the EC2
// endpoint and an sshd standing in for the build instance.
type localCloud struct {
	repo, dir string
	env       map[string]string
}

// startCloud runs localcloud/up.sh DIR and registers down.sh as cleanup.
func startCloud(t *testing.T, repo, dir string) *localCloud {
	t.Helper()
	c := &localCloud{repo: repo, dir: dir}
	t.Cleanup(func() {
		if out, err := command(repo, nil, filepath.Join(repo, "localcloud", "down.sh"), dir).CombinedOutput(); err != nil {
			t.Errorf("localcloud/down.sh: %v\n%s", err, out)
		}
	})
	mustRun(t, repo, nil, "up", filepath.Join(repo, "localcloud", "up.sh"), dir)
	c.load(t)
	return c
}

// requireRoot fails the test early: the local build instance needs root.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the local build instance needs root (chroot and unshare in localcloud/new-instance.sh); run as root")
	}
}

// cloudWithKey starts a local cloud in a fresh work folder and registers a
// new SSH key in EC2 under name, so the instance accepts it for `ubuntu`.
// It returns the cloud, the work folder and the private key's path.
func cloudWithKey(t *testing.T, repo, name string) (*localCloud, string, string) {
	t.Helper()
	requireRoot(t)
	work := t.TempDir()
	logDir = work
	c := startCloud(t, repo, filepath.Join(work, "cloud"))
	key := sshKey(t, work, name)
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ec2().ImportKeyPair(ctx(t), &ec2.ImportKeyPairInput{KeyName: aws.String(name), PublicKeyMaterial: pub}); err != nil {
		t.Fatalf("importing key pair %s into EC2: %v", name, err)
	}
	return c, work, key
}

// newInstance gives the next bake a fresh build instance root.
func (c *localCloud) newInstance(t *testing.T) {
	t.Helper()
	mustRun(t, c.repo, nil, "new-instance", filepath.Join(c.repo, "localcloud", "new-instance.sh"), c.dir)
	c.load(t)
}

// load parses DIR/cloud.env (KEY=VALUE lines, unquoted).
func (c *localCloud) load(t *testing.T) {
	t.Helper()
	f, err := os.Open(filepath.Join(c.dir, "cloud.env"))
	if err != nil {
		t.Fatalf("reading the local cloud's environment: %v", err)
	}
	defer f.Close()
	c.env = map[string]string{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if k, v, ok := strings.Cut(scanner.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			c.env[k] = v
		}
	}
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_REGION", "SSH_HOST", "SSH_PORT", "INSTANCE_ROOT", "TF_CLI_CONFIG_FILE"} {
		if c.env[k] == "" {
			t.Fatalf("cloud.env has no %s: %v", k, c.env)
		}
	}
}

// environ is this process's environment with the cloud's on top, so packer
// and terraform talk to moto and never to real AWS.
func (c *localCloud) environ(extra ...string) []string {
	env := os.Environ()
	for k, v := range c.env {
		env = append(env, k+"="+v)
	}
	return append(env, extra...)
}

// ec2 is a client for assertions on the emulator's state.
func (c *localCloud) ec2() *ec2.Client {
	return ec2.New(ec2.Options{
		Region:       c.env["AWS_REGION"],
		BaseEndpoint: aws.String(c.env["AWS_ENDPOINT_URL"]),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}
