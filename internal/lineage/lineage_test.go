package lineage

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestTagsRoundTrip(t *testing.T) {
	dirty := true
	in := Info{BuildUUID: "u-1", Build: "immutable-ami.web", BuildRegion: "us-east-1", SourceAMI: "ami-0aaaaaaaaaaaaaaaa",
		SourceParameter: "/images/base:prod (version 7)", RootAMI: "ami-0bbbbbbbbbbbbbbbb", Depth: 2,
		Template: "images", GitCommit: "0123abcd", GitDirty: &dirty, Fingerprint: "f00d"}
	tags := in.Tags()
	if len(tags) != 11 {
		t.Errorf("tags %v: want one per field", tags)
	}
	for k := range tags {
		if !strings.HasPrefix(k, Prefix) {
			t.Errorf("tag %q lacks the prefix %q", k, Prefix)
		}
	}
	back := Parse(tags)
	if back.GitDirty == nil || !*back.GitDirty || back.Depth != 2 || !maps.Equal(back.Tags(), tags) {
		t.Errorf("Parse(Tags()) = %+v, want %+v", back, in)
	}
	if !Ours(tags) || Ours(map[string]string{"Name": "x"}) {
		t.Error("Ours must be true exactly for images carrying the build UUID tag")
	}
}

func TestTagsLeaveOutWhatEC2WouldRefuse(t *testing.T) {
	tags := Info{BuildUUID: "u", SourceParameter: "/" + strings.Repeat("p", 300)}.Tags()
	if _, ok := tags[SourceParameter]; ok || len(tags) != 1 {
		t.Errorf("tags %v: a value over 256 characters and empty fields must be left out", tags)
	}
}

func TestChain(t *testing.T) {
	const ubuntu, base = "ami-0000000000000000a", "ami-000000000000000b0"
	app := Info{SourceAMI: base}
	foreign := Info{SourceAMI: ubuntu}.Chain(map[string]string{"Name": "ubuntu"})
	if foreign.RootAMI != ubuntu || foreign.Depth != 1 {
		t.Errorf("built on a foreign image: root %s depth %d, want %s 1", foreign.RootAMI, foreign.Depth, ubuntu)
	}
	baseTags := Info{BuildUUID: "u", SourceAMI: ubuntu, RootAMI: ubuntu, Depth: 1}.Tags()
	if got := app.Chain(baseTags); got.RootAMI != ubuntu || got.Depth != 2 {
		t.Errorf("built on our base: root %s depth %d, want %s 2", got.RootAMI, got.Depth, ubuntu)
	}
	old := map[string]string{BuildUUID: "u", SourceAMI: ubuntu} // built before root and depth were tagged
	if got := app.Chain(old); got.RootAMI != ubuntu || got.Depth != 2 {
		t.Errorf("built on an older base of ours: root %s depth %d, want %s 2", got.RootAMI, got.Depth, ubuntu)
	}
}

func TestReserved(t *testing.T) {
	got := Reserved(map[string]string{"Name": "x", "immutable:build": "y"})
	if len(got) != 1 || got[0] != "immutable:build" {
		t.Errorf("Reserved = %v", got)
	}
}

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func TestGit(t *testing.T) {
	repo := t.TempDir()
	images := filepath.Join(repo, "images")
	if err := os.MkdirAll(images, 0o755); err != nil {
		t.Fatal(err)
	}
	if tmpl, commit, dirty := Git(context.Background(), images); tmpl != "images" || commit != "" || dirty != nil {
		t.Errorf("outside git: %q %q %v, want the folder's name only", tmpl, commit, dirty)
	}
	gitRun(t, repo, "init", "-q")
	if tmpl, commit, _ := Git(context.Background(), images); tmpl != "images" || commit != "" {
		t.Errorf("repository without commits: %q %q", tmpl, commit)
	}
	if err := os.WriteFile(filepath.Join(images, "image.pkr.hcl"), []byte("# t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun(t, repo, "add", "-A")
	gitRun(t, repo, "commit", "-qm", "c")
	tmpl, commit, dirty := Git(context.Background(), images)
	if tmpl != "images" || len(commit) != 40 || dirty == nil || *dirty {
		t.Errorf("clean checkout: %q %q %v", tmpl, commit, dirty)
	}
	if err := os.WriteFile(filepath.Join(repo, "other.sh"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, c2, dirty := Git(context.Background(), images); c2 != commit || dirty == nil || !*dirty {
		t.Errorf("an untracked file elsewhere in the work tree: commit %q dirty %v, want dirty", c2, dirty)
	}
	if tmpl, _, _ := Git(context.Background(), repo); tmpl != "." {
		t.Errorf("template at the work tree's root: %q, want .", tmpl)
	}
}
