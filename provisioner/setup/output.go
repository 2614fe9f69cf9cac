package setup

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

const (
	failedMarker = "@@immutable-setup:failed "
	rebootMarker = "@@immutable-setup:reboot"
	// tailLines is how much of a failing step's output the error repeats.
	tailLines = 20
)

// output splits the program's output into lines, shows them in the UI,
// keeps the current step's last lines and reads the failure marker.
type output struct {
	mu      sync.Mutex
	ui      packersdk.Ui
	plan    plan
	step    int // index of the running step, -1 before the first
	tail    []string
	failed  int // 1-based step number from the marker, 0 if none
	reboot  bool
	partial [2]string
}

func newOutput(ui packersdk.Ui, p plan) *output { return &output{ui: ui, plan: p, step: -1} }

func (o *output) stdout() io.Writer { return lineWriter{o, 0} }
func (o *output) stderr() io.Writer { return lineWriter{o, 1} }

type lineWriter struct {
	o      *output
	stream int
}

func (w lineWriter) Write(b []byte) (int, error) {
	w.o.mu.Lock()
	defer w.o.mu.Unlock()
	text := w.o.partial[w.stream] + string(b)
	lines := strings.Split(text, "\n")
	w.o.partial[w.stream] = lines[len(lines)-1]
	for _, line := range lines[:len(lines)-1] {
		w.o.line(w.stream, line)
	}
	return len(b), nil
}

func (o *output) flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for s, rest := range o.partial {
		if rest != "" {
			o.line(s, rest)
		}
		o.partial[s] = ""
	}
}

func (o *output) line(stream int, line string) {
	line = strings.TrimRight(line, "\r")
	if line == rebootMarker {
		o.reboot = true
		return
	}
	if rest, ok := strings.CutPrefix(line, failedMarker); ok {
		n, _, _ := strings.Cut(rest, " ")
		o.failed, _ = strconv.Atoi(n)
		return
	}
	if o.step+1 < len(o.plan.Steps) && line == o.plan.header(o.step+1) {
		o.step++
		o.tail = nil
	} else {
		o.tail = append(o.tail, line)
		if len(o.tail) > tailLines {
			o.tail = o.tail[1:]
		}
	}
	if stream == 1 {
		o.ui.Error(line)
		return
	}
	o.ui.Say(line)
}

// rebooting tells whether the program stopped to reboot the machine.
func (o *output) rebooting() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.reboot
}

// failure is the error for a non-zero exit code.
func (o *output) failure(code int) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failed < 1 || o.failed > len(o.plan.Steps) {
		return fmt.Errorf("the setup program exited with code %d before finishing a step (check execute_command and that sudo works without a password); output:\n%s",
			code, strings.Join(o.tail, "\n"))
	}
	return fmt.Errorf("step %d/%d %q failed with exit code %d; its last output:\n%s",
		o.failed, len(o.plan.Steps), o.plan.Steps[o.failed-1].Name, code, strings.Join(o.tail, "\n"))
}
