package localcloud

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// phase is where an instance is in its life, as the local cloud sees it;
// EC2's state comes from moto and is held back while a phase lasts.
type phase string

const (
	phaseBooting     phase = "booting"     // shown as pending
	phaseRunning     phase = "running"     // init said ready
	phaseStopping    phase = "stopping"    // shown as stopping
	phaseStopped     phase = "stopped"     // no process; the disk stays
	phaseTerminating phase = "terminating" // shown as shutting-down
	phaseTerminated  phase = "terminated"  // no process, no disk
)

// stopTimeout is how long an instance's init gets to stop its processes
// (it gives them 10 s) before it is killed.
const stopTimeout = 20 * time.Second

// Instance is one local instance: a disk (an overlay upper directory over
// its image's layers) and, while it runs, a PID 1 in its own namespaces.
type Instance struct {
	ID, Region, ImageID string
	// Hostname is EC2's default, ip-A-B-C-D from moto's private address.
	Hostname        string
	Public, Private netip.Addr
	launchKey       string
	// layers are the read-only layers under the disk, top first; none
	// means the base root alone. hasDisk is false when the image has no
	// local disk (not made by this cloud): nothing boots then.
	layers  []string
	hasDisk bool

	op sync.Mutex // one boot, stop or image at a time

	// Guarded by Cloud.mu:
	phase     phase
	stopAsked bool // its init's exit is expected
	proc      *os.Process
	netns     *os.File
	exited    chan struct{}
	gate      *gate
	// runningSince is when its init last said ready.
	runningSince time.Time
}

// boot starts the instance's PID 1 (localcloud/instance/boot.sh) in new
// namespaces; it is running when its init writes "ready" on fd 3. If it
// cannot start, EC2 still shows it running (as a real instance whose OS
// does not boot), and the error is logged.
func (c *Cloud) boot(in *Instance) (err error) {
	in.op.Lock()
	defer in.op.Unlock()
	defer func() {
		if err != nil {
			c.setPhase(in, phaseRunning)
		}
	}()
	c.mu.Lock()
	asked := in.phase
	c.mu.Unlock()
	if asked != phaseBooting { // stopped or terminated before it booted
		return nil
	}
	if !in.hasDisk {
		c.logf("%s: image %s has no local disk (not made by this cloud); nothing boots", in.ID, in.ImageID)
		c.setPhase(in, phaseRunning)
		return nil
	}
	dir := c.instanceDir(in.ID)
	for _, d := range []string{"upper", "work", "root"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return errorf(in.ID, "%w", err)
		}
	}
	return c.startInit(in, dir)
}

// startInit starts boot.sh and watches for its readiness and its exit.
func (c *Cloud) startInit(in *Instance, dir string) error {
	cmd, ready, err := c.bootCommand(in, dir)
	if err != nil {
		return errorf(in.ID, "%w", err)
	}
	err = c.spawn.start(cmd)
	for _, f := range append(cmd.ExtraFiles, cmd.Stdout.(*os.File)) {
		f.Close() // the child has its own copies
	}
	if err != nil {
		ready.Close()
		return errorf(in.ID, "starting %s: %w", c.cfg.BootScript, err)
	}
	netns, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", cmd.Process.Pid))
	if err != nil {
		c.logf("%s: its network namespace: %v", in.ID, err)
	}
	exited := make(chan struct{})
	c.mu.Lock()
	in.proc, in.netns, in.exited, in.stopAsked = cmd.Process, netns, exited, false
	c.mu.Unlock()
	c.logf("%s: booting (pid %d, image %s, %s / %s)", in.ID, cmd.Process.Pid, in.ImageID, in.Public, in.Private)
	go c.awaitExit(in, cmd, exited)
	go c.awaitReady(in, ready, exited)
	return nil
}

func (c *Cloud) bootCommand(in *Instance, dir string) (*exec.Cmd, *os.File, error) {
	console, err := os.OpenFile(filepath.Join(dir, "console.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, err
	}
	ready, w, err := os.Pipe()
	if err != nil {
		console.Close()
		return nil, nil, err
	}
	cmd := exec.Command(c.cfg.BootScript)
	cmd.Env = []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"INSTANCE_ID=" + in.ID, "INSTANCE_HOSTNAME=" + in.Hostname, "LAUNCH_KEY=" + in.launchKey,
		"LOWER=" + strings.Join(append(append([]string(nil), in.layers...), c.cfg.BaseRoot), ":"),
		"UPPER=" + filepath.Join(dir, "upper"), "WORK=" + filepath.Join(dir, "work"), "ROOT=" + filepath.Join(dir, "root"),
		"APT_MIRROR=" + c.cfg.AptMirror, "INIT=" + c.cfg.Init,
	}
	cmd.Stdout, cmd.Stderr = console, console
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC | syscall.CLONE_NEWNET,
		// If the daemon dies, its instances die with it.
		Pdeathsig: syscall.SIGKILL,
	}
	return cmd, ready, nil
}

// awaitReady marks the instance running and opens its gate once its init
// says ready: its enabled units and sshd listen.
func (c *Cloud) awaitReady(in *Instance, ready *os.File, exited chan struct{}) {
	defer ready.Close()
	line, _ := bufio.NewReader(ready).ReadString('\n')
	c.mu.Lock()
	defer c.mu.Unlock()
	if in.exited != exited || in.phase != phaseBooting {
		return
	}
	if strings.TrimSpace(line) != "ready" {
		c.logf("%s: did not boot; see %s", in.ID, filepath.Join(c.instanceDir(in.ID), "console.log"))
	}
	in.phase, in.runningSince = phaseRunning, time.Now()
	if in.netns != nil {
		in.gate = c.openGate(in, in.proc.Pid, in.netns)
	}
	c.logf("%s: running", in.ID)
}

// awaitExit reaps the instance's PID 1; an exit nobody asked for is logged.
func (c *Cloud) awaitExit(in *Instance, cmd *exec.Cmd, exited chan struct{}) {
	err := cmd.Wait()
	c.mu.Lock()
	if !in.stopAsked {
		c.logf("%s: its init exited on its own (%v); see %s", in.ID, err, filepath.Join(c.instanceDir(in.ID), "console.log"))
	}
	g := in.gate
	c.mu.Unlock()
	if g != nil {
		g.close()
	}
	close(exited)
}

func (c *Cloud) setPhase(in *Instance, p phase) {
	c.mu.Lock()
	defer c.mu.Unlock()
	in.phase = p
}
