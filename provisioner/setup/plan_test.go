package setup

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPlanHasOnlyTheStepsTheTemplateAsksFor: a template with packages but
// no upgrade, a user without keys or sudo rules and two files (one from a
// local source, one inline) gets exactly those steps: no empty sudoers
// check, no key step, each file uploaded from where the template says.
func TestPlanHasOnlyTheStepsTheTemplateAsksFor(t *testing.T) {
	motd := "welcome\n"
	c := &Config{
		Packages: []string{"curl"},
		Users:    []User{{Name: "app"}},
		Files: []File{
			{Source: "testdata/hello.sh", Destination: "/usr/local/bin/hello"},
			{Content: &motd, Destination: "/etc/motd"},
		},
		bootTimeout: time.Minute,
	}
	p := buildPlan(c, planInput{RunDir: "/tmp/x", UserKeys: [][]string{nil}})
	var names []string
	for _, s := range p.Steps {
		names = append(names, s.Name)
		if strings.Contains(s.Body, "ensure_keys") || strings.Contains(s.Body, "sudoers") {
			t.Errorf("step %q has %q although the user has no keys and no sudo rules", s.Name, s.Body)
		}
	}
	want := "[wait for boot to finish packages user app file /usr/local/bin/hello file /etc/motd seal]"
	if got := fmt.Sprint(names); got != want {
		t.Errorf("steps %s, want %s", got, want)
	}
	ups := fmt.Sprintf("%+v", p.Uploads)
	if wantUps := "[{Name:file-1 Local:testdata/hello.sh Content:[]} {Name:file-2 Local: Content:[119 101 108 99 111 109 101 10]}]"; ups != wantUps {
		t.Errorf("uploads %s, want %s", ups, wantUps)
	}
	if got := stepNames(buildPlan(&Config{}, planInput{RunDir: "/tmp/x"})); got != "[wait for boot to finish seal]" {
		t.Errorf("an empty template's steps are %s, want only the boot wait and the seal", got)
	}
}

func stepNames(p plan) string {
	var names []string
	for _, s := range p.Steps {
		names = append(names, s.Name)
	}
	return fmt.Sprint(names)
}
