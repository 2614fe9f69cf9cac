//go:build acc

package command

import (
	"maps"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// lineFor returns the plan's line about image id ("" when not listed).
func lineFor(out, id string) string {
	for line := range strings.Lines(out) {
		if strings.Contains(line, id) && !strings.HasPrefix(line, "Deregistered") && !strings.HasPrefix(line, "Deleted") {
			return line
		}
	}
	return ""
}

func TestPruneKeepsEveryImageSomethingNames(t *testing.T) {
	m := ec2test.Start(t)
	m.SetEnv(t)
	e := seedEstate(t, m)
	args := []string{"prune", "-keep", "1", "-keep-within", "0", "-regions", "us-east-1,us-west-2", "-file", e.file, "-ssm-parameter", "/images/web"}
	code, out, errOut := run(t, args...)
	if code != 0 {
		t.Fatalf("dry run: %d\n%s%s", code, out, errOut)
	}
	gone := []string{e.web[3], e.west[1]}
	for _, id := range gone {
		if l := lineFor(out, id); !strings.HasPrefix(l, "would delete") {
			t.Errorf("%s: %q, want a would-delete line", id, l)
		}
	}
	for id, why := range map[string]string{e.web[0]: "rollback target in " + e.file + ".history.jsonl", e.web[1]: "version 1 of SSM parameter /images/web",
		e.web[2]: "used by instance", e.web[4]: "in " + e.file, e.base1: "source of " + e.app1, e.west[0]: "copy of " + e.web[0]} {
		if l := lineFor(out, id); !strings.HasPrefix(l, "keep") || !strings.Contains(l, why) {
			t.Errorf("%s: %q, want kept for %q", id, l, why)
		}
	}
	if strings.Contains(out, e.foreign) || !strings.Contains(out, "30.0 GiB of snapshot storage: about $1.50 a month at $0.050 per GB-month") {
		t.Errorf("dry run output:\n%s", out)
	}
	everything := append(append([]string{}, e.web...), e.base1, e.app1, e.foreign)
	if got := registered(t, e.east, everything...); !allTrue(got) {
		t.Fatalf("the dry run deleted something: %v", got)
	}

	if code, out, errOut := run(t, append(args, "-apply")...); code != 0 {
		t.Fatalf("apply: %d\n%s%s", code, out, errOut)
	}
	want := map[string]bool{}
	for _, id := range everything {
		want[id] = id != e.web[3]
	}
	if got := registered(t, e.east, everything...); !maps.Equal(got, want) {
		t.Errorf("registered in us-east-1 after apply: %v, want %v", got, want)
	}
	if got := registered(t, e.westC, e.west...); !got[e.west[0]] || got[e.west[1]] || !got[e.west[2]] {
		t.Errorf("registered in us-west-2 after apply: %v", got)
	}
	if snapshotExists(t, e.east, e.snaps[e.web[3]][0]) || snapshotExists(t, e.westC, e.snaps[e.west[1]][0]) || !snapshotExists(t, e.east, e.snaps[e.web[0]][0]) {
		t.Error("snapshots: the pruned images' must be gone, the others' kept")
	}
	if b := append(ec2test.BrokenImages(t, e.east), ec2test.BrokenImages(t, e.westC)...); len(b) > 0 {
		t.Errorf("images without snapshots: %v", b)
	}
}

func allTrue(m map[string]bool) bool {
	for _, v := range m {
		if !v {
			return false
		}
	}
	return true
}
