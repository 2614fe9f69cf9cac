package setup

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// scriptedComm answers each Start with the next answer: an error (the
// machine does not accept connections), or an exit code and output.
type scriptedComm struct {
	answers []answer
	started int
}

type answer struct {
	err  error
	code int
	out  string
}

func (c *scriptedComm) Start(_ context.Context, cmd *packersdk.RemoteCmd) error {
	a := c.answers[min(c.started, len(c.answers)-1)]
	c.started++
	if a.err != nil {
		return a.err
	}
	_, _ = io.WriteString(cmd.Stdout, a.out)
	go cmd.SetExited(a.code)
	return nil
}

func (c *scriptedComm) Upload(string, io.Reader, *os.FileInfo) error { return nil }
func (c *scriptedComm) UploadDir(string, string, []string) error     { return nil }
func (c *scriptedComm) Download(string, io.Writer) error             { return nil }
func (c *scriptedComm) DownloadDir(string, string, []string) error   { return nil }

// TestAwaitRebootRetriesUntilBack: while the machine is still up (its boot
// record unchanged), down (connections refused, sessions cut) or refusing
// logins, the wait goes on; it ends when the check says "rebooted".
func TestAwaitRebootRetriesUntilBack(t *testing.T) {
	comm := &scriptedComm{answers: []answer{
		{code: 3, out: "not yet\n"},
		{err: errors.New("dial tcp 127.0.0.1:22: connect: connection refused")},
		{code: packersdk.CmdDisconnect},
		{err: errors.New("ssh: handshake failed: System is booting up. Unprivileged users are not permitted to log in yet")},
		{code: 0, out: "rebooted\n"},
	}}
	r := &runner{ui: packersdk.TestUi(t), comm: comm, pollFirst: time.Millisecond}
	if err := r.awaitReboot(context.Background(), time.Minute); err != nil {
		t.Fatal(err)
	}
	if comm.started != 5 {
		t.Errorf("checked %d times, want 5", comm.started)
	}
}

// TestAwaitRebootTimesOut: a machine that never comes back fails the build
// after boot_timeout, with the last answer.
func TestAwaitRebootTimesOut(t *testing.T) {
	comm := &scriptedComm{answers: []answer{{err: errors.New("connect: no route to host")}}}
	r := &runner{ui: packersdk.TestUi(t), comm: comm, pollFirst: time.Millisecond}
	err := r.awaitReboot(context.Background(), 20*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "did not come back within 20ms (boot_timeout)") || !strings.Contains(err.Error(), "no route to host") {
		t.Errorf("err %v", err)
	}
}

// TestRunAcceptsTheRebootsDisconnect: after the reboot marker, a session
// cut before its exit status arrives is the reboot, not a failure.
func TestRunAcceptsTheRebootsDisconnect(t *testing.T) {
	for _, code := range []int{0, packersdk.CmdDisconnect} {
		comm := &scriptedComm{answers: []answer{{code: code, out: "[1/1] reboot if required\n" + rebootMarker + "\n"}}}
		r := &runner{ui: packersdk.TestUi(t), comm: comm, plan: plan{Steps: []step{{Name: "reboot if required"}}}}
		rebooting, err := r.run(context.Background(), "sh setup.sh")
		if err != nil || !rebooting {
			t.Errorf("exit code %d after the marker: rebooting %v, err %v", code, rebooting, err)
		}
	}
	comm := &scriptedComm{answers: []answer{{code: packersdk.CmdDisconnect, out: "[1/1] reboot if required\n"}}}
	r := &runner{ui: packersdk.TestUi(t), comm: comm, plan: plan{Steps: []step{{Name: "reboot if required"}}}}
	if rebooting, err := r.run(context.Background(), "sh setup.sh"); err == nil || rebooting {
		t.Errorf("a disconnect without the marker passed: rebooting %v, err %v", rebooting, err)
	}
}

// TestQuietOutputIsCollectedByWrite: the RPC communicator copies stdout and
// stderr at once; a writer with ReadFrom (bytes.Buffer) lets both copies
// fill one slice and lose output, so quiet's buffer must have Write only.
func TestQuietOutputIsCollectedByWrite(t *testing.T) {
	if _, ok := any(&lockedBuffer{}).(io.ReaderFrom); ok {
		t.Error("lockedBuffer implements io.ReaderFrom: concurrent copies would bypass its lock")
	}
}
