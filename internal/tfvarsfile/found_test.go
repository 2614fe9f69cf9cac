package tfvarsfile

import (
	"context"
	"maps"
	"os"
	"testing"
)

// A value written by hand is recorded, as written, by the write that
// replaces it: the entry restores the file byte for byte, the region map
// included (or its absence).
func TestFirstWriteRecordsTheValueFoundInTheFile(t *testing.T) {
	build := Entry{Action: ActionBuild, Variable: "ami_id", Value: "ami-0123456789abcdef0", MapVariable: "ami_ids",
		Images: map[string]string{"us-east-1": "ami-0123456789abcdef0", "us-west-2": "ami-0fedcba9876543210"}}
	cases := []struct {
		name, before string
		raw          map[string]string
		images       map[string]string
	}{
		{"string and map", "ami_id   = \"ami-0aaaaaaaaaaaaaaaa\" # by hand\r\nami_ids = { us-east-1 = \"ami-0aaaaaaaaaaaaaaaa\", \"eu-west-1\" = \"ami-0bbbbbbbbbbbbbbbb\" } # two\r\n",
			map[string]string{"ami_id": `"ami-0aaaaaaaaaaaaaaaa"`, "ami_ids": `{ us-east-1 = "ami-0aaaaaaaaaaaaaaaa", "eu-west-1" = "ami-0bbbbbbbbbbbbbbbb" }`},
			map[string]string{"us-east-1": "ami-0aaaaaaaaaaaaaaaa", "eu-west-1": "ami-0bbbbbbbbbbbbbbbb"}},
		{"map absent", "# prod\nami_id = \"ami-0aaaaaaaaaaaaaaaa\"\n", map[string]string{"ami_id": `"ami-0aaaaaaaaaaaaaaaa"`, "ami_ids": ""}, nil},
		{"map null, odd quoting", "ami_ids = null\nami_id = \"ami-0aaaaaaa\\u0061aaaaaaaa\"\n",
			map[string]string{"ami_id": `"ami-0aaaaaaa\u0061aaaaaaaa"`, "ami_ids": "null"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := seeded(t, c.before)
			if _, err := Update(context.Background(), path, build, 0); err != nil {
				t.Fatal(err)
			}
			h, err := ReadHistory(path)
			if err != nil || len(h) != 2 || h[1].Action != ActionBuild {
				t.Fatalf("history %+v, %v; want the found value, then the build", h, err)
			}
			f := h[0]
			if f.Action != ActionFound || f.From != FoundFrom || f.Value != "ami-0aaaaaaaaaaaaaaaa" || !maps.Equal(f.Raw, c.raw) || !maps.Equal(f.Images, c.images) {
				t.Errorf("found entry = %+v\nwant raw %q, images %v", f, c.raw, c.images)
			}
			if _, err := Update(context.Background(), path, Entry{Action: ActionRollback, Variable: f.Variable, Value: f.Value,
				MapVariable: f.MapVariable, Images: f.Images, Raw: f.Raw}, 0); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(path); string(got) != c.before {
				t.Errorf("restored file = %q\nwant %q", got, c.before)
			}
		})
	}
}

// Only a value no entry records is "found": not the one the last write
// recorded, not an absent or null one.
func TestFoundOnlyWhenTheHistoryLacksTheValue(t *testing.T) {
	ctx := context.Background()
	path := seeded(t, "ami_id = null\n")
	for _, v := range []string{"ami-11111111", "ami-22222222"} {
		if _, err := Update(ctx, path, Entry{Action: ActionBuild, Variable: "ami_id", Value: v}, 0); err != nil {
			t.Fatal(err)
		}
	}
	if h, _ := ReadHistory(path); len(h) != 2 || h[0].Action != ActionBuild {
		t.Fatalf("history %+v: a null or recorded value was recorded as found", h)
	}
	if err := os.WriteFile(path, []byte("ami_id = \"ami-33333333\" # hotfix by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Update(ctx, path, Entry{Action: ActionBuild, Variable: "ami_id", Value: "ami-44444444"}, 0); err != nil {
		t.Fatal(err)
	}
	h, _ := ReadHistory(path)
	if len(h) != 4 || h[2].Action != ActionFound || h[2].Value != "ami-33333333" || h[3].Value != "ami-44444444" {
		t.Errorf("a hand edit between two builds: history %+v", h)
	}
}
