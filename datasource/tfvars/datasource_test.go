package tfvars

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

const (
	base1 = "ami-000000000000000b1"
	base2 = "ami-000000000000000b2"
	base3 = "ami-000000000000000b3"
)

// baseFile is a tfvars file three builds of base wrote, with a rollback
// after the third (so base2 is current).
func baseFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "terraform.tfvars")
	for i, img := range []string{base1, base2, base3, base2} {
		action := tfvarsfile.ActionBuild
		if i == 3 {
			action = tfvarsfile.ActionRollback
		}
		e := tfvarsfile.Entry{Action: action, Variable: "ami_id", Value: img, Build: "immutable-ami.base", SourceAMI: "ami-0000000000000000a",
			MapVariable: "ami_ids", Images: map[string]string{"us-east-1": img, "eu-west-1": strings.Replace(img, "b", "e", 1)},
			Time: time.Date(2026, 11, 1, i, 0, 0, 0, time.UTC)}
		if _, err := tfvarsfile.Update(context.Background(), path, e, 0); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func execute(t *testing.T, d *Datasource, raw map[string]interface{}) (cty.Value, error) {
	t.Helper()
	if err := d.Configure(raw); err != nil {
		t.Fatalf("Configure(%v): %v", raw, err)
	}
	return d.Execute()
}

func TestReadsTheFileAndItsHistory(t *testing.T) {
	path := baseFile(t)
	for _, tc := range []struct {
		raw  map[string]interface{}
		want string
	}{
		{map[string]interface{}{"path": path}, base2},
		{map[string]interface{}{"path": path, "previous": 1}, base1}, // what rollback would restore now
		{map[string]interface{}{"path": path, "map_variable": "ami_ids", "region": "eu-west-1"}, "ami-000000000000000e2"},
		{map[string]interface{}{"path": path, "map_variable": "ami_ids", "region": "eu-west-1", "previous": 1}, "ami-000000000000000e1"},
	} {
		v, err := execute(t, &Datasource{}, tc.raw)
		if err != nil || v.GetAttr("value").AsString() != tc.want {
			t.Errorf("%v: %v %v, want %s", tc.raw, v, err, tc.want)
			continue
		}
		if v.GetAttr("build").AsString() != "immutable-ami.base" || v.GetAttr("source_ami").AsString() != "ami-0000000000000000a" ||
			v.GetAttr("images").LengthInt() != 2 {
			t.Errorf("%v: output %v", tc.raw, v)
		}
	}
}

func TestErrorsNameTheAttribute(t *testing.T) {
	path := baseFile(t)
	for _, tc := range []struct {
		raw  map[string]interface{}
		want string
	}{
		{map[string]interface{}{"path": path, "previous": 2}, "previous = 2: " + path + "'s history"},
		{map[string]interface{}{"path": path, "variable": "image"}, "variable: " + path + " has no image"},
		{map[string]interface{}{"path": path, "map_variable": "ami_ids", "region": "us-west-2"}, "map_variable: ami_ids (for the image " + base2 + ") has no region us-west-2: it has [eu-west-1 us-east-1]"},
		{map[string]interface{}{"path": filepath.Join(filepath.Dir(path), "none.tfvars")}, "path: "},
	} {
		if _, err := execute(t, &Datasource{}, tc.raw); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.raw, err, tc.want)
		}
	}
	broken := filepath.Join(t.TempDir(), "broken.tfvars")
	if err := os.WriteFile(broken, []byte("ami_id = \"x\"\nami_id = \"y\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := execute(t, &Datasource{}, map[string]interface{}{"path": broken}); err == nil || !strings.Contains(err.Error(), "path: ") || !strings.Contains(err.Error(), "appears twice") {
		t.Errorf("a broken file: %v", err)
	}
}

func TestConfigureReportsEveryProblem(t *testing.T) {
	err := (&Datasource{}).Configure(map[string]interface{}{"variable": "1x", "map_variable": "m!", "region": "mars", "previous": -1})
	for _, want := range []string{"path or ssm_parameter is required", `variable: "1x"`, `map_variable: "m!"`, `region: "mars"`, "previous: -1"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	err = (&Datasource{}).Configure(map[string]interface{}{"ssm_parameter": "images/base", "path": "x", "previous": 1})
	for _, want := range []string{"path and ssm_parameter are both set", "ssm_parameter: parameter name \"images/base\"", "name a version or label instead"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestReadsAnSSMLabel(t *testing.T) {
	f := ssmtest.New()
	for _, img := range []string{base1, base2} {
		if _, err := ssmchannel.Publish(context.Background(), f, "/images/base", img, "b"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ssmchannel.Promote(context.Background(), f, "/images/base", "1", "prod"); err != nil {
		t.Fatal(err)
	}
	d := &Datasource{ssmFor: func(context.Context, string) (ssmchannel.Reader, error) { return f, nil }}
	v, err := execute(t, d, map[string]interface{}{"ssm_parameter": "/images/base:prod"})
	if err != nil || v.GetAttr("value").AsString() != base1 || v.GetAttr("version").AsBigFloat().String() != "1" {
		t.Errorf("prod: %v %v", v, err)
	}
	if _, err := execute(t, d, map[string]interface{}{"ssm_parameter": "/images/base:qa"}); err == nil || !strings.HasPrefix(err.Error(), "ssm_parameter: ") || !strings.Contains(err.Error(), `labelled "qa"`) {
		t.Errorf("a missing label: %v", err)
	}
}
