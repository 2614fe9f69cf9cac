package tfvars

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrepareReportsAllProblemsAtOnce(t *testing.T) {
	var c Config
	err := c.Prepare(map[string]interface{}{
		"path":         filepath.Join(t.TempDir(), "missing", "terraform.tfvars"),
		"variable":     "1ami",
		"map_variable": "ami-ids!",
		"region":       "US East",
		"keep_history": -1,
	})
	if err == nil {
		t.Fatal("Prepare accepted a bad configuration")
	}
	for _, want := range []string{"variable: \"1ami\"", "map_variable: \"ami-ids!\"", "region: \"US East\"", "keep_history: -1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
	c = Config{}
	err = c.Prepare(map[string]interface{}{"path": filepath.Join(t.TempDir(), "missing", "terraform.tfvars")})
	if err == nil || !strings.Contains(err.Error(), "path: ") || !strings.Contains(err.Error(), "does not exist: create it or fix the path") {
		t.Errorf("missing folder: %v", err)
	}
}

func TestPrepareChecksFileAndModuleLeavingThemUntouched(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "terraform.tfvars")
	broken := "ami_id = \"ami-1\nregion = \"us-east-1\"\n"
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "variables.tf"), []byte("variable \"ami_id\" { type = string }\nvariable \"region\" {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var c Config
	err := c.Prepare(map[string]interface{}{"path": path, "module_dir": dir, "variable": "ami", "map_variable": "ami_ids"})
	for _, want := range []string{"path: ", "terraform.tfvars:1:", "left unchanged",
		`module_dir (variable): `, `declares no variable "ami" (it declares: ami_id, region)`, `module_dir (map_variable): `} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != broken {
		t.Errorf("Prepare changed the file: %q", got)
	}
}

func TestPrepareDefaults(t *testing.T) {
	var c Config
	instances := filepath.Join(t.TempDir(), "instances")
	images := filepath.Join(filepath.Dir(instances), "images")
	for _, d := range []string{instances, images} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(images)
	if err := c.Prepare(); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(instances, "terraform.tfvars")
	if real, _ := filepath.EvalSymlinks(filepath.Dir(c.Path)); filepath.Join(real, "terraform.tfvars") != want && c.Path != want {
		t.Errorf("path = %s, want %s", c.Path, want)
	}
	if c.Variable != "ami_id" || c.MapVariable != "" || c.KeepHistory != 10 {
		t.Errorf("defaults: %+v", c)
	}
}

// TestPrepareRefusesOneNameForBothVariables: the ID and the region map
// cannot share a variable; one would overwrite the other.
func TestPrepareRefusesOneNameForBothVariables(t *testing.T) {
	var c Config
	err := c.Prepare(map[string]interface{}{"path": filepath.Join(t.TempDir(), "terraform.tfvars"), "map_variable": "ami_id"})
	if err == nil || !strings.Contains(err.Error(), `map_variable: "ami_id" must be a valid Terraform variable name other than variable ("ami_id")`) {
		t.Errorf("map_variable = variable: %v", err)
	}
}
