// Package localcloudtest starts the local cloud (localcloud/up.sh) for a
// test and launches instances in it the way a user would, through EC2:
// a key pair, a security group, RunInstances, and the instance's loopback
// address. Imported by tests only.
package localcloudtest

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloud"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// Cloud is a local cloud started by localcloud/up.sh in Dir.
type Cloud struct {
	Repo, Dir string
	// Env holds DIR/cloud.env.
	Env map[string]string
}

// Start runs localcloud/up.sh DIR and registers localcloud/down.sh DIR as
// cleanup. The test fails (never skips) when the cloud cannot start.
func Start(t testing.TB, dir string) *Cloud {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the local cloud needs root (its instances use mount, chroot and namespaces); run as root")
	}
	c := &Cloud{Repo: packertest.RepoRoot(t), Dir: dir}
	t.Cleanup(func() {
		if out, err := exec.Command(filepath.Join(c.Repo, "localcloud", "down.sh"), dir).CombinedOutput(); err != nil {
			t.Errorf("localcloud/down.sh: %v\n%s", err, out)
		}
	})
	start := time.Now()
	if out, err := exec.Command(filepath.Join(c.Repo, "localcloud", "up.sh"), dir).CombinedOutput(); err != nil {
		t.Fatalf("localcloud/up.sh: %v\n%s", err, out)
	}
	c.Load(t)
	t.Logf("local cloud up in %.1fs; instances' SSH on port %s", time.Since(start).Seconds(), c.SSHPort())
	return c
}

// Load parses DIR/cloud.env (KEY=VALUE lines, unquoted).
func (c *Cloud) Load(t testing.TB) {
	t.Helper()
	f, err := os.Open(filepath.Join(c.Dir, "cloud.env"))
	if err != nil {
		t.Fatalf("reading the local cloud's environment: %v", err)
	}
	defer f.Close()
	c.Env = map[string]string{}
	for s := bufio.NewScanner(f); s.Scan(); {
		if k, v, ok := strings.Cut(s.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			c.Env[k] = v
		}
	}
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_REGION", "TF_CLI_CONFIG_FILE", "MOTO_URL", "MOTO_PID", "LOCALCLOUD_PID"} {
		if c.Env[k] == "" {
			t.Fatalf("cloud.env has no %s: %v", k, c.Env)
		}
	}
}

// Environ is this process's environment with the cloud's on top, so packer
// and terraform talk to the local cloud and never to real AWS.
func (c *Cloud) Environ(extra ...string) []string {
	env := os.Environ()
	for k, v := range c.Env {
		env = append(env, k+"="+v)
	}
	return append(env, extra...)
}

// EC2 is a client of the cloud's endpoint, as packer and terraform use it.
func (c *Cloud) EC2() *ec2.Client {
	return ec2.New(ec2.Options{
		Region:       c.Env["AWS_REGION"],
		BaseEndpoint: aws.String(c.Env["AWS_ENDPOINT_URL"]),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

// SSHPort is where instances' SSH is: 22, or SSH_PORT when this machine
// cannot listen on port 22 of loopback addresses.
func (c *Cloud) SSHPort() string {
	if p := c.Env["SSH_PORT"]; p != "" {
		return p
	}
	return "22"
}

// Instances is the cloud's own listing (GET /localcloud/instances), with
// the URLs its groups open.
func (c *Cloud) Instances(t testing.TB) []localcloud.InstanceInfo {
	t.Helper()
	var out []localcloud.InstanceInfo
	c.get(t, "/localcloud/instances?urls=1", &out)
	return out
}

// Images is the cloud's listing of image disks (GET /localcloud/images).
func (c *Cloud) Images(t testing.TB) []localcloud.ImageInfo {
	t.Helper()
	var out []localcloud.ImageInfo
	c.get(t, "/localcloud/images", &out)
	return out
}

func (c *Cloud) get(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(c.Env["AWS_ENDPOINT_URL"] + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// Ctx is a context for one EC2 call.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
