//go:build acc

package ami

import (
	"context"
	"fmt"
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

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
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
	e := newBuildEnv(t)
	p := startPacker(t, e.moto.Env(), strings.Replace(interruptTemplate, "PORT", closedPort(t), 1))
	waitForRunningBuildInstance(t, e.ec2, p.out)
	time.Sleep(time.Second) // into the SSH wait
	p.interrupt(t)
	if !strings.Contains(p.out.String(), "ancelled") {
		t.Errorf("packer did not report a cancelled build:\n%s", p.out.String())
	}
	e.assertNothingLeft(t)
	if imgs := e.images(t); len(imgs) != 0 {
		t.Errorf("images left: %d", len(imgs))
	}
}

// packerProc is `packer build` running with the freshly built plugin in
// an isolated PACKER_PLUGIN_PATH, in its own session (process group) as a
// terminal would start it.
type packerProc struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan error
}

// startPacker builds and installs the plugin and starts packer on the
// template with env (the EC2 endpoint's variables).
func startPacker(t *testing.T, endpointEnv []string, template string) *packerProc {
	t.Helper()
	work := t.TempDir()
	packer, plugins := packertest.Packer(t), filepath.Join(work, "plugins")
	packertest.Install(t, packer, packertest.BuildPlugin(t, work, false), plugins)
	env := append(packertest.Env(plugins, endpointEnv...), "PACKER_NO_COLOR=1")
	tmpl := filepath.Join(work, "build.pkr.hcl")
	if err := os.WriteFile(tmpl, []byte(template), 0o600); err != nil {
		t.Fatal(err)
	}
	p := &packerProc{out: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(packer, "build", "-color=false", tmpl)
	p.cmd.Dir, p.cmd.Env, p.cmd.Stdout, p.cmd.Stderr = work, env, p.out, p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) })
	go func() { p.done <- p.cmd.Wait() }()
	return p
}

// interrupt does what a terminal's Ctrl-C does (SIGINT to the whole
// process group, see ENVIRONMENT.md) and waits for packer to exit.
func (p *packerProc) interrupt(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(-p.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	p.wait(t)
}

// wait returns packer's exit error once it has exited.
func (p *packerProc) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-p.done:
		return err
	case <-time.After(2 * time.Minute):
		t.Fatalf("packer did not stop:\n%s", p.out.String())
		return nil
	}
}

// waitForOutput waits until packer has printed want.
func (p *packerProc) waitForOutput(t *testing.T, want string, limit time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if strings.Contains(p.out.String(), want) {
			return
		}
	}
	t.Fatalf("packer never printed %q:\n%s", want, p.out.String())
}

func waitForRunningBuildInstance(t *testing.T, c *ec2.Client, out fmt.Stringer) {
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
