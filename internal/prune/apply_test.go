package prune

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
)

// writes are the calls that change something, in order.
func writes(calls []string) []string {
	var out []string
	for _, c := range calls {
		if !strings.HasPrefix(c, "Describe") {
			out = append(out, c)
		}
	}
	return out
}

func TestApplyMarksThenDeregistersThenDeletes(t *testing.T) {
	f := newFakeCloud()
	ids := series(f, "us-east-1", 2)
	snap := f.images["us-east-1"][ids[0]].snaps[0]
	p := plan(t, f, Config{Policy: Policy{Keep: 1}})
	f.calls = nil
	var said []string
	if err := p.Apply(ctx, f.cloud(), func(s string) { said = append(said, s) }); err != nil {
		t.Fatal(err)
	}
	want := []string{"CreateTags us-east-1 " + snap, "DeregisterImage us-east-1 " + ids[0], "DeleteSnapshot us-east-1 " + snap}
	if got := writes(f.calls); !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
	if len(said) != 2 || !strings.Contains(said[0], "Deregistered "+ids[0]) || !strings.Contains(said[1], "Deleted snapshot "+snap) {
		t.Errorf("told the user %q", said)
	}
	if f.images["us-east-1"][ids[1]] == nil || f.images["us-east-1"][ids[0]] != nil || f.snapshots["us-east-1"][snap] != nil {
		t.Error("the wrong things were deleted")
	}
}

// Killed at any call, a prune leaves every registered image with all its
// snapshots; run again, it finishes the job, orphans included.
func TestInterruptedAtEveryCallLeavesNoBrokenImage(t *testing.T) {
	setup := func() (*fakeCloud, []string) {
		imageCounter = 0
		f := newFakeCloud()
		f.lax = true
		ids := series(f, "us-east-1", 3)
		ids = append(ids, series(f, "us-west-2", 3)...)
		f.images["us-east-1"][ids[0]].snaps = append(f.images["us-east-1"][ids[0]].snaps, "snap-extra")
		f.snapshots["us-east-1"]["snap-extra"] = &fakeSnapshot{gib: 2, tags: map[string]string{lineage.BuildUUID: "ua"}}
		return f, ids
	}
	cfg := Config{Policy: Policy{Keep: 1}, Regions: []string{"us-east-1", "us-west-2"}}
	f, _ := setup()
	p := plan(t, f, cfg)
	f.calls = nil
	if err := p.Apply(ctx, f.cloud(), func(string) {}); err != nil {
		t.Fatal(err)
	}
	total := len(f.calls)
	want := survivors(f)
	for n := 1; n <= total; n++ {
		f, _ := setup()
		p := plan(t, f, cfg)
		calls := 0
		f.fail = func(string) error {
			if calls++; calls >= n {
				return errors.New("killed")
			}
			return nil
		}
		_ = p.Apply(ctx, f.cloud(), func(string) {})
		if b := f.broken(); len(b) > 0 {
			t.Errorf("killed at call %d of %d: images without snapshots: %v", n, total, b)
		}
		f.fail = nil
		if err := plan(t, f, cfg).Apply(ctx, f.cloud(), func(string) {}); err != nil {
			t.Fatalf("second run after a kill at call %d: %v", n, err)
		}
		if got := survivors(f); !maps.Equal(got, want) {
			t.Errorf("after a kill at call %d and a second run: %v, want %v", n, got, want)
		}
	}
}

// survivors is what is left: images, and snapshots by region.
func survivors(f *fakeCloud) map[string]int {
	out := map[string]int{}
	for r, imgs := range f.images {
		out[r+" images"] = len(imgs)
	}
	for r, snaps := range f.snapshots {
		out[r+" snapshots"] = len(snaps)
	}
	return out
}

func TestSnapshotInUseRightAfterDeregistrationIsRetried(t *testing.T) {
	f := newFakeCloud()
	ids := series(f, "us-east-1", 2)
	snap := f.images["us-east-1"][ids[0]].snaps[0]
	p := plan(t, f, Config{Policy: Policy{Keep: 1}})
	refusals := 2
	f.fail = func(call string) error {
		if call == "DeleteSnapshot us-east-1 "+snap && refusals > 0 {
			refusals--
			return notFound("InvalidSnapshot.InUse", snap)
		}
		return nil
	}
	if err := p.Apply(ctx, f.cloud(), func(string) {}); err != nil || f.snapshots["us-east-1"][snap] != nil {
		t.Errorf("apply: %v; snapshot still there: %v", err, f.snapshots["us-east-1"][snap] != nil)
	}
}

func TestMarksOfImagesThatStayAreRemoved(t *testing.T) {
	f := newFakeCloud()
	ids := series(f, "us-east-1", 2)
	snap := f.images["us-east-1"][ids[1]].snaps[0]
	f.snapshots["us-east-1"][snap].tags[lineage.Pruning] = ids[1] // a prune was killed before deregistering it
	p := plan(t, f, Config{Policy: Policy{Keep: 2}})
	if len(p.Unmark) != 1 || len(p.Orphans) != 0 {
		t.Fatalf("unmark %v, orphans %v", p.Unmark, p.Orphans)
	}
	if err := p.Apply(ctx, f.cloud(), func(string) {}); err != nil {
		t.Fatal(err)
	}
	if _, marked := f.snapshots["us-east-1"][snap].tags[lineage.Pruning]; marked || f.images["us-east-1"][ids[1]] == nil {
		t.Error("the mark of an image that stays was not removed, or the image went")
	}
}

func TestReportPricesTheFreedStorage(t *testing.T) {
	f := newFakeCloud()
	series(f, "us-east-1", 3)
	var out strings.Builder
	plan(t, f, Config{Policy: Policy{Keep: 1}}).Write(&out, false)
	s := out.String()
	for _, want := range []string{"would delete", "Dry run: nothing was deleted", "2 images and 2 snapshots, 16.0 GiB",
		"about $0.80 a month at $0.050 per GB-month", "US East (N. Virginia)", "upper bound", "-apply"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
}
