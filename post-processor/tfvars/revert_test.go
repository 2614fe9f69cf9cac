package tfvars

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// TestRevertSaysWhatItUndid: when the tfvars write fails, the UI names
// each version it reverted, and reports no failure when none failed.
func TestRevertSaysWhatItUndid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terraform.tfvars")
	pp, _ := withSSM(t, path, nil)
	if err := os.WriteFile(path, []byte("ami_id = \"ami-1\"\nami_id = \"ami-2\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	ui := &packersdk.BasicUi{Reader: strings.NewReader(""), Writer: &out, ErrorWriter: &errOut}
	if _, _, _, err := pp.PostProcess(context.Background(), ui, newArtifact()); err == nil {
		t.Fatal("PostProcess succeeded on a broken tfvars file")
	}
	for _, region := range []string{"us-east-1", "us-west-2"} {
		if want := "Reverted version 1 of SSM parameter /images/web in " + region; !strings.Contains(out.String(), want) {
			t.Errorf("the UI does not say %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(errOut.String(), "Could not revert") {
		t.Errorf("the UI reports a failed revert although none failed:\n%s", errOut.String())
	}
}
