package setup

import (
	"fmt"
	"io"
	"strings"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// streamUi records what the program's output became in Packer's UI: "out"
// for Say, "err" for Error (shown in red).
type streamUi struct {
	packersdk.Ui
	lines []string
}

func (u *streamUi) Say(s string)   { u.lines = append(u.lines, "out "+s) }
func (u *streamUi) Error(s string) { u.lines = append(u.lines, "err "+s) }

func threeSteps() plan {
	return plan{Steps: []step{{Name: "packages"}, {Name: "user terraform"}, {Name: "seal"}}}
}

// feed writes the program's output as it streams, in chunks that split lines.
func feed(t *testing.T, w io.Writer, chunks ...string) {
	t.Helper()
	for _, c := range chunks {
		if _, err := w.Write([]byte(c)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFailureNamesTheStepWithItsOwnOutput: a failing step's error names it
// (n/total and its name) and repeats only that step's output, stderr's last
// line included although it had no newline; stdout is said, stderr shown as
// an error, the markers are not shown at all.
func TestFailureNamesTheStepWithItsOwnOutput(t *testing.T) {
	ui := &streamUi{}
	p := threeSteps()
	o := newOutput(ui, p)
	feed(t, o.stdout(), p.header(0)+"\n", "installed cu", "rl\n", p.header(1)+"\n", "adding user\n")
	feed(t, o.stderr(), "useradd: group 'hashicorp' does not exist\nuseradd: giving up")
	feed(t, o.stdout(), failedMarker+"2 6\n")
	o.flush()

	wantUi := []string{
		"out [1/3] packages", "out installed curl", "out [2/3] user terraform", "out adding user",
		"err useradd: group 'hashicorp' does not exist", "err useradd: giving up",
	}
	if got := strings.Join(ui.lines, "\n"); got != strings.Join(wantUi, "\n") {
		t.Errorf("the UI got:\n%s\nwant:\n%s", got, strings.Join(wantUi, "\n"))
	}
	want := `step 2/3 "user terraform" failed with exit code 6; its last output:` +
		"\nadding user\nuseradd: group 'hashicorp' does not exist\nuseradd: giving up"
	if err := o.failure(6); err == nil || err.Error() != want {
		t.Errorf("failure(6) = %v\nwant %s", err, want)
	}
	if o.rebooting() {
		t.Error("rebooting() is true without the reboot marker")
	}
}

// TestFailureOfTheFirstAndLastStep: the marker of step 1 and of the last
// step name those steps; no marker, or one out of range, means the program
// stopped before finishing a step (sudo or execute_command), with all it said.
func TestFailureOfTheFirstAndLastStep(t *testing.T) {
	p := threeSteps()
	for _, tc := range []struct{ marker, want string }{
		{failedMarker + "1 100\n", `step 1/3 "packages" failed with exit code 100`},
		{failedMarker + "3 1\n", `step 3/3 "seal" failed with exit code 1`},
		{failedMarker + "4 1\n", "exited with code 1 before finishing a step"},
		{"", "exited with code 1 before finishing a step"},
	} {
		o := newOutput(&streamUi{}, p)
		feed(t, o.stdout(), "sudo: a password is required\n", tc.marker)
		code := 1
		if strings.Contains(tc.marker, " 100") {
			code = 100
		}
		err := o.failure(code)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "sudo: a password is required") {
			t.Errorf("after %q: failure = %v, want it to hold %q and the output", tc.marker, err, tc.want)
		}
	}
}

// TestRebootMarkerIsReadNotShown: the program's reboot request is noted
// and kept out of the UI, also when it comes after a step's header.
func TestRebootMarkerIsReadNotShown(t *testing.T) {
	ui := &streamUi{}
	p := threeSteps()
	o := newOutput(ui, p)
	feed(t, o.stdout(), p.header(0)+"\n", rebootMarker+"\r\n")
	if !o.rebooting() {
		t.Error("rebooting() is false after the reboot marker")
	}
	if got := fmt.Sprint(ui.lines); got != "[out [1/3] packages]" {
		t.Errorf("the UI got %s, want only the step's header", got)
	}
}

// TestOutputAfterTheLastStepsHeader: lines after the last step's header
// belong to that step, even one that looks like a header.
func TestOutputAfterTheLastStepsHeader(t *testing.T) {
	ui := &streamUi{}
	p := threeSteps()
	o := newOutput(ui, p)
	feed(t, o.stdout(), p.header(0)+"\n", p.header(1)+"\n", p.header(2)+"\n", "[1/3] packages\n", "sync: failed\n", failedMarker+"3 1\n")
	want := `step 3/3 "seal" failed with exit code 1; its last output:` + "\n[1/3] packages\nsync: failed"
	if err := o.failure(1); err == nil || err.Error() != want {
		t.Errorf("failure(1) = %v\nwant %s", err, want)
	}
	if len(ui.lines) != 5 {
		t.Errorf("the UI got %q, want the three headers and two lines", ui.lines)
	}
}
