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

// A region map edited by hand since the last build (the image ID as that
// build wrote it) is recorded too, and so is a map the last build did not
// write (map_variable configured since): rollback gets back that map, or
// its absence.
func TestFoundWhenOnlyTheRegionMapIsNotRecorded(t *testing.T) {
	ctx := context.Background()
	build := func(v string) Entry {
		return Entry{Action: ActionBuild, Variable: "ami_id", Value: v, MapVariable: "ami_ids", Images: map[string]string{"us-east-1": v}}
	}
	t.Run("map edited by hand", func(t *testing.T) {
		path := seeded(t, "")
		if _, err := Update(ctx, path, build("ami-11111111"), 0); err != nil {
			t.Fatal(err)
		}
		edited := "ami_id = \"ami-11111111\"\nami_ids = {\n  \"us-east-1\" = \"ami-11111111\"\n  \"eu-west-1\" = \"ami-99999999\" # copied by hand\n}\n"
		if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Update(ctx, path, build("ami-22222222"), 0); err != nil {
			t.Fatal(err)
		}
		h, _ := ReadHistory(path)
		if len(h) != 3 || h[1].Action != ActionFound || h[1].Images["eu-west-1"] != "ami-99999999" {
			t.Fatalf("history %+v: want the hand-edited map recorded", h)
		}
		if _, err := Update(ctx, path, Entry{Action: ActionRollback, Variable: "ami_id", Value: h[1].Value, MapVariable: "ami_ids", Images: h[1].Images, Raw: h[1].Raw}, 0); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != edited {
			t.Errorf("restored %q, want %q", got, edited)
		}
	})
	t.Run("map configured since the last build", func(t *testing.T) {
		path := seeded(t, "")
		if _, err := Update(ctx, path, Entry{Action: ActionBuild, Variable: "ami_id", Value: "ami-11111111"}, 0); err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(path)
		if _, err := Update(ctx, path, build("ami-22222222"), 0); err != nil {
			t.Fatal(err)
		}
		h, _ := ReadHistory(path)
		if len(h) != 3 || h[1].Action != ActionFound || h[1].Raw["ami_ids"] != "" || h[1].MapVariable != "ami_ids" {
			t.Fatalf("history %+v: want the map's absence recorded", h)
		}
		if _, err := Update(ctx, path, Entry{Action: ActionRollback, Variable: "ami_id", Value: h[1].Value, MapVariable: "ami_ids", Raw: h[1].Raw}, 0); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != string(before) {
			t.Errorf("restored %q, want %q", got, before)
		}
	})
}
