package tfvarsfile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mapEntry writes ami_id and a region map ami_ids.
var mapEntry = Entry{Variable: "ami_id", Value: "ami-22222222", MapVariable: "ami_ids",
	Images: map[string]string{"us-east-1": "ami-22222222", "us-west-2": "ami-33333333"}}

// invalidFiles are files each write must refuse, with what the error says.
var invalidFiles = []struct {
	name, content string
	entry         Entry
	want          []string
}{
	{"does not parse", "region = \"us-east-1\"\nami_id = \"ami-1\n", Entry{Variable: "ami_id", Value: "ami-22222222"},
		[]string{"terraform.tfvars:2:", "left unchanged"}},
	{"attribute twice", "ami_id = \"ami-1\"\nregion = \"x\"\nami_id = \"ami-2\"\n", Entry{Variable: "ami_id", Value: "ami-22222222"},
		[]string{`attribute "ami_id" appears twice (lines 1 and 3)`, "terraform.tfvars:3:1"}},
	{"not a string", "ami_id = [\"ami-1\"]\n", Entry{Variable: "ami_id", Value: "ami-22222222"},
		[]string{`terraform.tfvars:1:1: attribute "ami_id" is tuple, not a string`}},
	{"map not a map", "ami_id = \"ami-1\"\nami_ids = \"ami-1\"\n", Entry{Variable: "ami_id", Value: "ami-22222222", MapVariable: "ami_ids", Images: map[string]string{"r": "ami-2"}},
		[]string{`terraform.tfvars:2:1: attribute "ami_ids" is string, not a map of strings`}},
	{"map of lists", "ami_ids = { r = [1] }\n", Entry{Variable: "ami_id", Value: "ami-22222222", MapVariable: "ami_ids", Images: map[string]string{"r": "ami-2"}},
		[]string{`"ami_ids" has key "r" that is tuple`}},
	{"not a literal", "ami_id = var.x\n", Entry{Variable: "ami_id", Value: "ami-22222222"},
		[]string{`attribute "ami_id" is not a literal value`}},
	{"bad variable name", "x = 1\n", Entry{Variable: "1bad", Value: "ami-22222222"},
		[]string{`"1bad" is not a valid Terraform variable name`}},
	// Map keys other than strings: HCL would quietly make "0" of 0.
	{"number as map key", "ami_ids = {\n  0 = \"ami-1\"\n}\n", mapEntry,
		[]string{`terraform.tfvars:2:3: map "ami_ids" has the key 0, which is a number`, `write them quoted, such as "us-east-1" = "ami-…"`}},
	{"negative number as key", "ami_ids = { -1 = \"ami-1\" }\n", mapEntry, []string{`terraform.tfvars:1:13: map "ami_ids" has the key -1`}},
	{"reference as key", "ami_ids = { (var.x) = \"ami-1\" }\n", mapEntry, []string{`terraform.tfvars:1:1: attribute "ami_ids" is not a literal value`}},
	{"traversal as key", "ami_ids = { a.b = \"ami-1\" }\n", mapEntry, []string{`"ami_ids" is not a literal value`, "Ambiguous attribute key"}},
	{"key twice", "ami_ids = {\n  r = \"ami-1\"\n  \"r\" = \"ami-2\"\n}\n", mapEntry,
		[]string{`terraform.tfvars:3:3: map "ami_ids" has the key "r" twice (lines 2 and 3): delete one of them`}},
	{"comment in a one-line map", "ami_ids = { \"us-east-1\" = \"ami-1\" /* primary */ }\n", mapEntry,
		[]string{`terraform.tfvars:1: map "ami_ids" has comments but not one region per line`, "put each region on a line of its own"}},
}

// Each invalid file is refused with an error that says where and what to do,
// and the file is left byte-for-byte as it was.
func TestUpdateRefusesInvalidFilesUntouched(t *testing.T) {
	for _, c := range invalidFiles {
		t.Run(c.name, func(t *testing.T) {
			path := seeded(t, c.content)
			_, err := Update(context.Background(), path, c.entry, 0)
			if err == nil {
				t.Fatal("Update accepted an invalid file")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if checkErr := Check(path, c.entry.Variable, c.entry.MapVariable); checkErr == nil {
				t.Error("Check accepted the file that Update refused")
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, []byte(c.content)) {
				t.Errorf("file changed to %q", got)
			}
			if _, err := os.Stat(HistoryPath(path)); !errors.Is(err, os.ErrNotExist) {
				t.Error("history written for a refused update")
			}
		})
	}
}

func TestUpdateMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "terraform.tfvars")
	for _, err := range []error{
		func() error {
			_, err := Update(context.Background(), path, Entry{Variable: "ami_id", Value: "ami-1"}, 0)
			return err
		}(),
		Check(path, "ami_id", ""),
	} {
		if err == nil || !strings.Contains(err.Error(), "does not exist: create it or fix the path") || !errors.Is(err, ErrInvalid) {
			t.Errorf("err = %v", err)
		}
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Error("the missing folder was created")
	}
}

func TestUpdateRefusesBrokenHistory(t *testing.T) {
	path := seeded(t, "ami_id = \"ami-00000000\"\n")
	if err := os.WriteFile(HistoryPath(path), []byte("{\"value\":\"ami-1\"}\nnot json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Update(context.Background(), path, Entry{Variable: "ami_id", Value: "ami-11111111"}, 0)
	if err == nil || !strings.Contains(err.Error(), "history.jsonl:2 is not a history entry") {
		t.Fatalf("err = %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "ami_id = \"ami-00000000\"\n" {
		t.Errorf("tfvars changed despite the broken history: %q", got)
	}
}

func TestCheckDeclared(t *testing.T) {
	dir := t.TempDir()
	tf := `variable "ami_id" {
  type = string
  validation {
    condition     = true
    error_message = "x"
  }
}
variable "ami_ids" { type = map(string) }
variable "untyped" {}
variable "anything" { type = any }
variable "count_of" { type = number }
variable "obj" { type = object({ a = optional(string, "x") }) }
`
	if err := os.WriteFile(filepath.Join(dir, "variables.tf"), []byte(tf), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		wantMap bool
		want    string // "" = accepted
	}{
		{"ami_id", false, ""}, {"untyped", false, ""}, {"anything", false, ""},
		{"ami_ids", true, ""}, {"untyped", true, ""}, {"anything", true, ""},
		{"ami_ids", false, `variable "ami_ids" in ` + dir + ` has type map of string, but an image ID needs string`},
		{"ami_id", true, "needs map(string)"},
		{"count_of", false, "has type number"},
		{"ami", false, `declares no variable "ami" (it declares: ami_id, ami_ids, anything, count_of, obj, untyped)`},
	}
	for _, c := range cases {
		err := CheckDeclared(dir, c.name, c.wantMap)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckDeclared(%s, map=%v) = %v, want %q", c.name, c.wantMap, err, c.want)
		}
	}
	if err := CheckDeclared(t.TempDir(), "ami_id", false); err == nil || !strings.Contains(err.Error(), "no Terraform files") {
		t.Errorf("empty module: %v", err)
	}
}
