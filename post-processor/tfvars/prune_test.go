package tfvars

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

func TestPrepareChecksTheChannelAndThePrune(t *testing.T) {
	var c Config
	err := c.Prepare(map[string]interface{}{
		"path":          filepath.Join(t.TempDir(), "terraform.tfvars"),
		"ssm_parameter": "/aws/mine",
		"prune": map[string]interface{}{"keep": -1, "keep_within": "a month", "files": []string{"/nonexistent/prod.tfvars"},
			"ssm_parameters": []string{"images/base"}, "regions": []string{"mars-1"}},
	})
	for _, want := range []string{`ssm_parameter: parameter name "/aws/mine" starts with aws or ssm`, "prune.keep: -1 must be 1 or more",
		`prune.keep_within: "a month" is not an age`, "prune.files: stat /nonexistent/prod.tfvars", "prune.ssm_parameters: parameter name \"images/base\"",
		`prune.regions: "mars-1"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	c = Config{}
	if err := c.Prepare(map[string]interface{}{"path": filepath.Join(t.TempDir(), "terraform.tfvars"), "prune": map[string]interface{}{}}); err != nil || c.Prune.Keep != 3 || c.Prune.KeepWithin != "1h0m0s" {
		t.Errorf("an empty prune block: %v, keep %d within %q; want the defaults 3 and 1h", err, c.Prune.Keep, c.Prune.KeepWithin)
	}
}

// A prune that fails (here: EC2 refuses every call) is reported, and the
// build still succeeds: an error would make Packer delete the new image
// the tfvars file now names.
func TestAFailedPruneDoesNotFailTheBuild(t *testing.T) {
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`<Response><Errors><Error><Code>UnauthorizedOperation</Code>` +
			`<Message>You are not authorized to perform this operation.</Message></Error></Errors></Response>`))
	}))
	defer refuse.Close()
	t.Setenv("AWS_ENDPOINT_URL", refuse.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	path := filepath.Join(t.TempDir(), "terraform.tfvars")
	pp := configure(t, map[string]interface{}{"path": path, "prune": map[string]interface{}{"regions": []string{"us-east-1"}}})
	var out bytes.Buffer
	in := newArtifact()
	a, keep, _, err := pp.PostProcess(context.Background(), &packersdk.BasicUi{Writer: &out, ErrorWriter: &out}, in)
	if err != nil || a == nil || !keep || in.destroyed {
		t.Fatalf("PostProcess: %v (artifact %v, keep %v)", err, a, keep)
	}
	if !strings.Contains(out.String(), "prune: ") || !strings.Contains(out.String(), "nothing was deleted; the build itself succeeded") || value(t, path) != west {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestPruneConfigOfABuild(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terraform.tfvars")
	other := filepath.Join(t.TempDir(), "prod.tfvars")
	writeFile(t, other, "ami_id = \"ami-00000000\"\n")
	pp := configure(t, map[string]interface{}{"path": path, "ssm_parameter": "/images/web",
		"prune": map[string]interface{}{"keep": 2, "keep_within": "30d", "files": []string{other}, "ssm_parameters": []string{"/images/other"}}})
	entry, _, err := pp.entry(newArtifact())
	if err != nil {
		t.Fatal(err)
	}
	cfg := pp.pruneConfig(entry)
	if cfg.Policy.Keep != 2 || cfg.Policy.KeepWithin.Hours() != 720 || strings.Join(cfg.Policy.Builds, ",") != "amazon-ebs.example" ||
		strings.Join(cfg.Files, ",") != path+","+other || strings.Join(cfg.Parameters, ",") != "/images/web,/images/other" {
		t.Errorf("prune config %+v: want this build only, protected by its file and channel", cfg)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
