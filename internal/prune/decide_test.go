package prune

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtest"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
)

// built tags an image as a build of ours named build, from source.
func built(build, uuid, region, source string) map[string]string {
	return map[string]string{lineage.BuildUUID: uuid, lineage.Build: build, lineage.BuildRegion: region, lineage.SourceAMI: source}
}

// series adds n images of build web in region, a day apart, oldest first.
func series(f *fakeCloud, region string, n int) []string {
	var ids []string
	for i := range n {
		ids = append(ids, f.addImage(region, "web-"+string(rune('a'+i)), t0.Add(time.Duration(i)*24*time.Hour),
			built("immutable-ami.web", "u"+string(rune('a'+i)), region, "ami-0ffffffffffffffff"), 8))
	}
	return ids
}

func plan(t *testing.T, f *fakeCloud, cfg Config) *Plan {
	t.Helper()
	if cfg.Regions == nil {
		cfg.Regions = []string{"us-east-1"}
	}
	if cfg.Now.IsZero() {
		cfg.Now = t0.Add(100 * 24 * time.Hour)
	}
	p, err := Make(ctx, f.cloud(cfg.Regions...), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// pruned lists the IDs a plan deletes.
func pruned(p *Plan) map[string]bool {
	out := map[string]bool{}
	for _, d := range p.Decisions {
		if d.Prune() {
			out[d.ID] = true
		}
	}
	return out
}

func reasons(p *Plan, id string) string {
	for _, d := range p.Decisions {
		if d.ID == id {
			return strings.Join(d.Keep, "; ")
		}
	}
	return "(not in the plan)"
}

func TestKeepNewest(t *testing.T) {
	f := newFakeCloud()
	ids := series(f, "us-east-1", 5)
	p := plan(t, f, Config{Policy: Policy{Keep: 2}})
	if got := pruned(p); len(got) != 3 || !got[ids[0]] || !got[ids[1]] || !got[ids[2]] {
		t.Errorf("pruned %v, want the 3 oldest of %v", got, ids)
	}
	if r := reasons(p, ids[4]); r != "one of the newest 2 of immutable-ami.web" {
		t.Errorf("newest image kept for %q", r)
	}
}

func TestKeepWithin(t *testing.T) {
	f := newFakeCloud()
	ids := series(f, "us-east-1", 5)
	p := plan(t, f, Config{Policy: Policy{Keep: 1, KeepWithin: 48 * time.Hour}, Now: t0.Add(4*24*time.Hour + time.Hour)})
	if got := pruned(p); len(got) != 3 || got[ids[3]] || got[ids[4]] {
		t.Errorf("pruned %v: want all but the images younger than 48h (%s, %s)", got, ids[3], ids[4])
	}
	if r := reasons(p, ids[3]); r != "younger than 48h0m0s" {
		t.Errorf("kept for %q", r)
	}
}

func TestKeepIsAtLeastOne(t *testing.T) {
	if _, err := Make(ctx, newFakeCloud().cloud("us-east-1"), Config{Policy: Policy{Keep: 0}}); err == nil || !strings.Contains(err.Error(), "keep must be 1 or more") {
		t.Errorf("keep 0: %v", err)
	}
}

// Each protection alone keeps an image that the policy would prune.
func TestEveryReferenceProtects(t *testing.T) {
	f := newFakeCloud()
	ids := series(f, "us-east-1", 7) // keep 1: ids[0..5] beyond the policy
	dir := t.TempDir()
	file := filepath.Join(dir, "prod.tfvars")
	writeFile(t, file, "ami_id = \""+ids[0]+"\"\n# was: "+ids[1]+"\n")
	writeFile(t, file+".history.jsonl", `{"action":"build","variable":"ami_id","value":"`+ids[2]+`","images":{"us-west-2":"`+ids[3]+`"}}`+"\n")
	f.instances["us-east-1"] = map[string]string{"i-1": ids[4]}
	param := f.cloud().SSM
	s, _ := param(ctx, "us-east-1")
	if _, err := ssmchannel.Publish(ctx, s.(ssmchannel.Writer), "/images/web", ids[5], "b"); err != nil {
		t.Fatal(err)
	}
	p := plan(t, f, Config{Policy: Policy{Keep: 1}, Files: []string{file}, Parameters: []string{"/images/web"}})
	if got := pruned(p); len(got) != 0 {
		t.Errorf("pruned %v; every image is named somewhere", got)
	}
	for i, want := range []string{"in " + file, "in " + file, "rollback target in " + file + ".history.jsonl",
		"rollback target in " + file + ".history.jsonl", "used by instance i-1 (stopped)", "version 1 of SSM parameter /images/web"} {
		if r := reasons(p, ids[i]); r != want {
			t.Errorf("image %d kept for %q, want %q", i, r, want)
		}
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestUnreadableReferencesStopThePrune(t *testing.T) {
	f := newFakeCloud()
	series(f, "us-east-1", 3)
	missing := filepath.Join(t.TempDir(), "prod.tfvars")
	if _, err := Make(ctx, f.cloud("us-east-1"), Config{Policy: Policy{Keep: 1}, Regions: []string{"us-east-1"}, Files: []string{missing}}); err == nil || !strings.Contains(err.Error(), "fix the path; nothing was deleted") {
		t.Errorf("a missing tfvars file: %v", err)
	}
	broken := ssmtest.New()
	broken.Before = func(string, string) error { return errors.New("AccessDeniedException: ssm:GetParameterHistory") }
	f.ssm["us-east-1"] = broken
	if _, err := Make(ctx, f.cloud("us-east-1"), Config{Policy: Policy{Keep: 1}, Regions: []string{"us-east-1"}, Parameters: []string{"/images/web"}}); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("an unreadable SSM parameter: %v", err)
	}
}
