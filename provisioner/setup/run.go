package setup

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"sync"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// runner stages and runs one plan through a communicator.
type runner struct {
	ui   packersdk.Ui
	comm packersdk.Communicator
	plan plan
	// pollFirst is the first pause of awaitReboot; zero means
	// rebootPollFirst (tests shorten it).
	pollFirst time.Duration
}

// stage creates the private run folder and uploads the program, the
// scripts and the files into it.
func (r *runner) stage(ctx context.Context, program string) error {
	mkdir := "umask 077 && mkdir -p " + shellQuote(r.plan.RunDir)
	if code, out, err := r.quiet(ctx, mkdir); err != nil || code != 0 {
		return fmt.Errorf("creating %s on the machine (exit code %d: %s): %w", r.plan.RunDir, code, out, err)
	}
	for _, u := range r.plan.Uploads {
		if err := r.upload(u); err != nil {
			return err
		}
	}
	return r.upload(upload{Name: "setup.sh", Content: []byte(program)})
}

func (r *runner) upload(u upload) error {
	remote := r.plan.RunDir + "/" + u.Name
	var src io.Reader = bytes.NewReader(u.Content)
	if u.Local != "" {
		f, err := os.Open(u.Local)
		if err != nil {
			return fmt.Errorf("opening %s: %w", u.Local, err)
		}
		defer f.Close()
		src = f
	}
	log.Printf("[DEBUG] immutable-setup: uploading %s", remote)
	if err := r.comm.Upload(remote, src, nil); err != nil {
		return fmt.Errorf("uploading %s to %s: %w", describe(u), remote, err)
	}
	return nil
}

func describe(u upload) string {
	if u.Local != "" {
		return u.Local
	}
	return u.Name
}

// run executes the program, streaming its output to the UI, and turns a
// failure into an error naming the step, its exit code and its output. It
// reports whether the program stopped to reboot the machine; the reboot
// may cut the connection before the exit status arrives.
func (r *runner) run(ctx context.Context, command string) (bool, error) {
	out := newOutput(r.ui, r.plan)
	cmd := &packersdk.RemoteCmd{Command: command, Stdout: out.stdout(), Stderr: out.stderr()}
	if err := r.comm.Start(ctx, cmd); err != nil {
		return false, fmt.Errorf("starting the setup program: %w", err)
	}
	code := cmd.Wait()
	out.flush()
	switch {
	case out.rebooting() && (code == 0 || code == packersdk.CmdDisconnect):
		return true, nil
	case code == 0:
		return false, nil
	}
	return false, out.failure(code)
}

// removeRunDir deletes the run folder; a failure is only reported, since
// the image is built either way.
func (r *runner) removeRunDir(dir string) {
	rm := fmt.Sprintf("rm -rf %[1]s || sudo -n rm -rf %[1]s", shellQuote(dir))
	if code, out, err := r.quiet(context.Background(), rm); err != nil || code != 0 {
		r.ui.Error(fmt.Sprintf("could not remove %s from the machine (exit code %d, %v): %s", dir, code, err, out))
	}
}

// quiet runs a helper command and returns its exit code and output.
func (r *runner) quiet(ctx context.Context, command string) (int, string, error) {
	var buf lockedBuffer
	cmd := &packersdk.RemoteCmd{Command: command, Stdout: &buf, Stderr: &buf}
	if err := r.comm.Start(ctx, cmd); err != nil {
		return -1, "", err
	}
	code := cmd.Wait()
	return code, strings.TrimSpace(buf.String()), nil
}

// lockedBuffer collects stdout and stderr, which the RPC communicator
// copies concurrently. It has only Write, under a lock: two io.Copy calls
// into one bytes.Buffer use its ReadFrom at once and lose output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
