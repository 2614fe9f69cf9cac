package ssmchannel

import (
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtest"
)

// labelAt returns the version label names (0 when none).
func labelAt(t *testing.T, f *ssmtest.Fake, label string) int64 {
	t.Helper()
	for _, v := range f.Versions(web) {
		for _, l := range v.Labels {
			if l == label {
				return v.Version
			}
		}
	}
	return 0
}

func promote(t *testing.T, f *ssmtest.Fake, from, to string) Move {
	t.Helper()
	m, err := Promote(ctx, f, web, from, to)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPromote(t *testing.T) {
	f := ssmtest.New()
	publish(t, f, ami1, ami2)
	if m := promote(t, f, "", "staging"); !m.Changed || m.To.Number != 2 || m.From.Number != 0 || labelAt(t, f, "staging") != 2 {
		t.Errorf("latest to staging: %+v", m)
	}
	if m := promote(t, f, "staging", "prod"); !m.Changed || m.To.Value != ami2 || labelAt(t, f, "prod") != 2 {
		t.Errorf("staging to prod: %+v", m)
	}
	if m := promote(t, f, "staging", "prod"); m.Changed {
		t.Errorf("promoting again changed something: %+v", m)
	}
	if m := promote(t, f, "1", "prod"); !m.Changed || m.From.Number != 2 || labelAt(t, f, "prod") != 1 || labelAt(t, f, "staging") != 2 {
		t.Errorf("version 1 to prod: %+v; the label must move, staging stay", m)
	}
	for from, want := range map[string]string{"qa": `no version labelled "qa"`, "9": "no version 9", "prod": "onto itself"} {
		if _, err := Promote(ctx, f, web, from, "prod"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("promote from %s: %v, want %q", from, err, want)
		}
	}
	if _, err := Promote(ctx, f, "/images/none", "", "prod"); err == nil || !strings.Contains(err.Error(), "/images/none does not exist") {
		t.Errorf("promote in a missing parameter: %v", err)
	}
}

func TestRollbackLabelWalksBack(t *testing.T) {
	f := ssmtest.New()
	publish(t, f, ami1, ami2, ami2, ami3) // version 3 republished ami2
	promote(t, f, "", "prod")
	for _, want := range []int64{3, 1} { // from 4 (ami3) to the newest other image (3), then past ami2 to 1
		m, err := RollbackLabel(ctx, f, web, "prod", "")
		if err != nil || labelAt(t, f, "prod") != want || !m.Changed {
			t.Fatalf("rollback: %+v %v; prod at %d, want %d", m, err, labelAt(t, f, "prod"), want)
		}
	}
	if _, err := RollbackLabel(ctx, f, web, "prod", ""); err == nil || !strings.Contains(err.Error(), "no earlier version") {
		t.Errorf("rollback past the oldest: %v", err)
	}
	if m, err := RollbackLabel(ctx, f, web, "prod", ami3); err != nil || labelAt(t, f, "prod") != 4 || m.To.Value != ami3 {
		t.Errorf("rollback -to %s: %+v %v", ami3, m, err)
	}
	if _, err := RollbackLabel(ctx, f, web, "prod", "ami-0fffffffffffffff0"); err == nil || !strings.Contains(err.Error(), "no version holds") {
		t.Errorf("rollback to an unpublished image: %v", err)
	}
	if _, err := RollbackLabel(ctx, f, web, "qa", ""); err == nil || !strings.Contains(err.Error(), `labelled "qa"`) {
		t.Errorf("rollback of a missing label: %v", err)
	}
}

func TestRollbackOfTheParameterItself(t *testing.T) {
	f := ssmtest.New()
	publish(t, f, ami1, ami2, ami3)
	for _, want := range []string{ami2, ami1} { // walks back; rollbacks are skipped, so no toggling
		m, err := Rollback(ctx, f, web, "")
		if got := values(f, web); err != nil || got[len(got)-1] != want || !m.Changed || m.Written != int64(len(got)) {
			t.Fatalf("rollback: %+v %v, versions %v, want %s last", m, err, got, want)
		}
	}
	if _, err := Rollback(ctx, f, web, ""); err == nil || !strings.Contains(err.Error(), "no earlier version") {
		t.Errorf("rollback past the oldest: %v", err)
	}
	if m, err := Rollback(ctx, f, web, ami3); err != nil || m.To.Number != 3 {
		t.Errorf("rollback -to %s: %+v %v", ami3, m, err)
	}
	if vs := f.Versions(web); !strings.Contains(*vs[len(vs)-1].Description, "rollback: to version 3 ("+ami3+")") {
		t.Errorf("the rollback is not recorded: %q", *vs[len(vs)-1].Description)
	}
	if m, err := Rollback(ctx, f, web, ami3); err != nil || m.Changed {
		t.Errorf("rollback to the current image: %+v %v", m, err)
	}
}
