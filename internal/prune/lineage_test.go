package prune

import (
	"strings"
	"testing"
	"time"
)

// An app image built on an old base keeps the base (and the base's region
// copy), even though both are beyond the policy and named nowhere else;
// once the app image goes too, so does its base.
func TestSourcesAndCopiesOfImagesThatStay(t *testing.T) {
	f := newFakeCloud()
	baseTags := built("immutable-ami.base", "ub", "us-east-1", "ami-0ffffffffffffffff")
	oldBase := f.addImage("us-east-1", "base-1", t0, baseTags, 8)
	oldBaseCopy := f.addImage("us-west-2", "base-1", t0, baseTags, 8)
	f.addImage("us-east-1", "base-2", t0.Add(time.Hour), built("immutable-ami.base", "ub2", "us-east-1", "ami-0ffffffffffffffff"), 8)
	f.addImage("us-west-2", "base-2", t0.Add(time.Hour), built("immutable-ami.base", "ub2", "us-east-1", "ami-0ffffffffffffffff"), 8)
	app := f.addImage("us-east-1", "app-1", t0.Add(2*time.Hour), built("immutable-ami.app", "ua", "us-east-1", oldBase), 8)
	cfg := Config{Policy: Policy{Keep: 1}, Regions: []string{"us-east-1", "us-west-2"}}
	p := plan(t, f, cfg)
	if got := pruned(p); len(got) != 0 {
		t.Errorf("pruned %v; the old base is the app's source, and its copy goes with it", got)
	}
	if r := reasons(p, oldBase); r != "source of "+app+" (app-1) in us-east-1" {
		t.Errorf("old base kept for %q", r)
	}
	if r := reasons(p, oldBaseCopy); !strings.HasPrefix(r, "copy of "+oldBase+" in us-east-1") {
		t.Errorf("old base's copy kept for %q", r)
	}
	f.addImage("us-east-1", "app-2", t0.Add(3*time.Hour), built("immutable-ami.app", "ua2", "us-east-1", "ami-0ffffffffffffffff"), 8)
	if got := pruned(plan(t, f, cfg)); len(got) != 3 || !got[app] || !got[oldBase] || !got[oldBaseCopy] {
		t.Errorf("after a newer app image: pruned %v, want the old app, its base and the base's copy", got)
	}
}

// A build's scope (the post-processor prunes behind its own build) still
// counts other builds' images as children.
func TestScopeToOneBuild(t *testing.T) {
	f := newFakeCloud()
	ids := series(f, "us-east-1", 3)
	other := f.addImage("us-east-1", "other-1", t0, built("immutable-ami.other", "uo", "us-east-1", "ami-0ffffffffffffffff"), 8)
	f.addImage("us-east-1", "other-2", t0.Add(time.Hour), built("immutable-ami.other", "uo2", "us-east-1", ids[0]), 8)
	p := plan(t, f, Config{Policy: Policy{Keep: 1, Builds: []string{"immutable-ami.web"}}})
	if got := pruned(p); len(got) != 1 || !got[ids[1]] {
		t.Errorf("pruned %v, want only %s (%s is other-2's source, %s another build's)", got, ids[1], ids[0], other)
	}
	var out strings.Builder
	p.Write(&out, false)
	if strings.Contains(out.String(), other) {
		t.Errorf("another build's image is listed:\n%s", out.String())
	}
}

func TestNotAvailableAndUntaggedImagesStay(t *testing.T) {
	f := newFakeCloud()
	ids := series(f, "us-east-1", 3)
	f.images["us-east-1"][ids[0]].state = "pending"
	old := f.addImage("us-east-1", "legacy-1", t0, map[string]string{"immutable:build-uuid": "ux"}, 8)
	p := plan(t, f, Config{Policy: Policy{Keep: 1}})
	if got := pruned(p); len(got) != 1 || !got[ids[1]] {
		t.Errorf("pruned %v, want only %s", got, ids[1])
	}
	if r := reasons(p, ids[0]); r != "pending: only available images are pruned" {
		t.Errorf("pending image kept for %q", r)
	}
	if r := reasons(p, old); !strings.Contains(r, "no immutable:build tag") || !strings.Contains(r, "-name-prefix") {
		t.Errorf("untagged image kept for %q", r)
	}
	byPrefix := plan(t, f, Config{Policy: Policy{Keep: 1, NamePrefixes: []string{"legacy-", "web-"}}})
	if got := pruned(byPrefix); len(got) != 1 || !got[ids[1]] {
		t.Errorf("by prefix: pruned %v", got)
	}
	f.addImage("us-east-1", "legacy-2", t0.Add(time.Hour), map[string]string{"immutable:build-uuid": "uy"}, 8)
	if got := pruned(plan(t, f, Config{Policy: Policy{Keep: 1, NamePrefixes: []string{"legacy-"}}})); len(got) != 1 || !got[old] {
		t.Errorf("legacy images by prefix: pruned %v, want %s", got, old)
	}
}

// A snapshot another image still uses stays; one that two pruned images
// share goes with the last of them.
func TestSharedSnapshots(t *testing.T) {
	f := newFakeCloud()
	ids := series(f, "us-east-1", 4)
	keptSnap := f.images["us-east-1"][ids[3]].snaps[0]
	sharedSnap := f.images["us-east-1"][ids[1]].snaps[0]
	f.images["us-east-1"][ids[0]].snaps = append(f.images["us-east-1"][ids[0]].snaps, keptSnap, sharedSnap)
	p := plan(t, f, Config{Policy: Policy{Keep: 2}})
	for _, d := range p.Decisions {
		switch d.ID {
		case ids[0]:
			if len(d.Delete) != 1 || len(d.Shared) != 1 || d.Shared[0] != keptSnap {
				t.Errorf("oldest: deletes %v, keeps %v; want its own snapshot deleted, %s kept", d.Delete, d.Shared, keptSnap)
			}
		case ids[1]:
			if len(d.Delete) != 1 || d.Delete[0].ID != sharedSnap {
				t.Errorf("second: deletes %v, want %s (shared with the oldest, deleted last)", d.Delete, sharedSnap)
			}
		}
	}
	if err := p.Apply(ctx, f.cloud(), func(string) {}); err != nil {
		t.Fatal(err)
	}
	if f.snapshots["us-east-1"][keptSnap] == nil || len(f.broken()) != 0 {
		t.Errorf("after apply: %s gone, broken %v", keptSnap, f.broken())
	}
}
