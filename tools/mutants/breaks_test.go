package main

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestEditMatchesOnceWhateverTheBlanks: an anchor matches across any
// re-indentation or re-alignment, and is stale when it occurs zero or two
// times.
func TestEditMatchesOnceWhateverTheBlanks(t *testing.T) {
	src := []byte("func f() {\n\tif a  ==  b {\n\t\treturn x\n\t}\n}\n")
	out, err := Edit{"f.go", "if a == b {\n return x", "if a != b {\n\t\treturn y"}.apply(src)
	if err != nil || string(out) != "func f() {\n\tif a != b {\n\t\treturn y\n\t}\n}\n" {
		t.Errorf("apply = %q, %v", out, err)
	}
	for _, find := range []string{"if a == c {", "}"} {
		if _, err := (Edit{"f.go", find, "x"}).apply(src); !errors.Is(err, errStale) {
			t.Errorf("anchor %q: err = %v, want stale", find, err)
		}
	}
	if _, err := (Edit{"f.go", " \n", "x"}).apply(src); err == nil || errors.Is(err, errStale) {
		t.Errorf("an empty anchor: err = %v, want a catalogue error", err)
	}
}

// TestGoOutcome reads go test -json: a named test failing kills the break,
// a build failure or a test that did not run is the catalogue's fault, a
// skip is not a pass, a timeout kills.
func TestGoOutcome(t *testing.T) {
	ev := func(action, test string) string {
		return `{"Action":"` + action + `","Package":"p","Test":"` + test + `"}` + "\n"
	}
	for _, tc := range []struct {
		name, out string
		want      Status
		failed    []string
	}{
		{"pass", ev("run", "TestA") + ev("pass", "TestA"), Survived, nil},
		{"fail", ev("run", "TestA") + ev("fail", "TestA/sub") + ev("fail", "TestA"), Killed, []string{"TestA"}},
		{"skip", ev("skip", "TestA"), Skipped, nil},
		{"not run", ev("pass", "TestB"), Broken, nil},
		{"build", `{"ImportPath":"p [p.test]","Action":"build-fail"}` + "\n", Broken, nil},
		{"timeout", ev("run", "TestA") + `{"Action":"output","Output":"panic: test timed out after 1s\n"}` + "\n" +
			`{"Action":"fail","Package":"p"}` + "\n", Killed, []string{"TestA"}},
	} {
		o := goOutcome([]string{"TestA"}, []byte(tc.out))
		if o.Status != tc.want || !slices.Equal(o.Failed, tc.failed) {
			t.Errorf("%s: %s %v (%s), want %s %v", tc.name, o.Status, o.Failed, o.Detail, tc.want, tc.failed)
		}
	}
}

// TestTerraformOutcome reads terraform test's run lines.
func TestTerraformOutcome(t *testing.T) {
	out := []byte("tests/instance.tftest.hcl... in progress\n  run \"a\"... pass\n  run \"b\"... fail\n")
	if o := terraformOutcome([]string{"a"}, out, nil); o.Status != Survived {
		t.Errorf("a passed: %s", o.Status)
	}
	if o := terraformOutcome([]string{"a", "b"}, out, errors.New("exit 1")); o.Status != Killed || !slices.Equal(o.Failed, []string{"b"}) {
		t.Errorf("b failed: %s %v", o.Status, o.Failed)
	}
	if o := terraformOutcome([]string{"a"}, []byte("FAIL: instances/ is not formatted"), errors.New("exit 1")); o.Status != Broken {
		t.Errorf("fmt failed: %s, want %s", o.Status, Broken)
	}
}

// TestGroupsRunFastestFirst: quick tests of a package share one command,
// and run before make, terraform and acc ones.
func TestGroupsRunFastestFirst(t *testing.T) {
	gs := groups([]Test{acc("e2e", "TestLoop"), quick("a", "TestX"), tfrun("r"), quick("a", "TestY"), quick("a", "TestX")})
	var got []string
	for _, g := range gs {
		got = append(got, g.String())
	}
	want := []string{"quick a TestX,TestY", "terraform instances r", "acc e2e TestLoop"}
	if !slices.Equal(got, want) {
		t.Errorf("groups = %q, want %q", got, want)
	}
	if s := summary([]result{{Status: Killed}, {Status: Survived}, {Status: Killed}}); !strings.Contains(s, "2 KILLED, 1 SURVIVED") {
		t.Errorf("summary = %q", s)
	}
}
