package ami

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// interruptTemplate builds against moto with SSH pointed at a port nobody
// listens on, so the build waits for SSH with its key pair, group and
// instance all in place: the moment a Ctrl-C is most likely to strand them.
const interruptTemplate = `
source "immutable-ami" "x" {
  region        = "us-east-1"
  instance_type = "t2.micro"
  ami_name      = "interrupted"
  source_ami    = "ami-0a1b2c3d4e5f60001"
  ssh_username  = "ubuntu"
  ssh_host      = "127.0.0.1"
  ssh_port      = PORT
  ssh_timeout   = "5m"
  temporary_security_group_source_cidrs = ["127.0.0.1/32"]
}
build { sources = ["source.immutable-ami.x"] }
`

// TestPackerCtrlCLeavesNothing runs the real packer with the plugin and
// does what a terminal's Ctrl-C does (SIGINT to the whole process group,
// see ENVIRONMENT.md) while the build waits for SSH; packer then reports a
// cancelled build and no instance, key pair or group of it is left.
func TestPackerCtrlCLeavesNothing(t *testing.T) {
	repo, work := ec2test.RepoRoot(t), t.TempDir()
	e := newBuildEnv(t)
	packer := strings.TrimSpace(runOK(t, repo, nil, filepath.Join(repo, "tools", "packer.sh")))
	plugin := filepath.Join(work, "packer-plugin-immutable")
	runOK(t, repo, nil, "go", "build", "-o", plugin, ".")
	env := append(os.Environ(), e.moto.Env()...)
	env = append(env, "PACKER_PLUGIN_PATH="+filepath.Join(work, "plugins"), "CHECKPOINT_DISABLE=1", "PACKER_NO_COLOR=1")
	runOK(t, work, env, packer, "plugins", "install", "--path", plugin, "github.com/immutable-infrastructure/immutable")
	tmpl := filepath.Join(work, "build.pkr.hcl")
	if err := os.WriteFile(tmpl, []byte(strings.Replace(interruptTemplate, "PORT", closedPort(t), 1)), 0o600); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	cmd := exec.Command(packer, "build", "-color=false", tmpl)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = work, env, &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	waitForRunningBuildInstance(t, e.ec2, &out)
	time.Sleep(time.Second) // into the SSH wait
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("packer did not stop after Ctrl-C:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "ancelled") {
		t.Errorf("packer did not report a cancelled build:\n%s", out.String())
	}
	e.assertNothingLeft(t)
	if imgs := e.images(t); len(imgs) != 0 {
		t.Errorf("images left: %d", len(imgs))
	}
}

func waitForRunningBuildInstance(t *testing.T, c *ec2.Client, out *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		res, err := c.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
			{Name: aws.String("tag-key"), Values: []string{BuildUUIDTagKey}},
			{Name: aws.String("instance-state-name"), Values: []string{"running"}}}})
		if err == nil && len(res.Reservations) > 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no build instance started:\n%s", out.String())
}

// closedPort is a loopback port with no listener.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

func runOK(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
