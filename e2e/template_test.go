package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestTemplateProvisionerInSync: the provisioner's own test
// (provisioner/setup TestTemplateBlock) decodes and prepares
// testdata/image-provisioner.pkr.hcl; this keeps that file the exact body of
// images/image.pkr.hcl's immutable-setup block, so the template is what is
// tested there.
func TestTemplateProvisionerInSync(t *testing.T) {
	repo := repoRoot(t)
	got := provisionerBody(t, filepath.Join(repo, "images", "image.pkr.hcl"), "immutable-setup")
	data, err := os.ReadFile(filepath.Join(repo, "provisioner", "setup", "testdata", "image-provisioner.pkr.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	want := string(data)
	for strings.HasPrefix(want, "#") { // the file's own header comment
		_, want, _ = strings.Cut(want, "\n")
	}
	if strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("images/image.pkr.hcl's provisioner \"immutable-setup\" block differs from provisioner/setup/testdata/image-provisioner.pkr.hcl; make them equal.\ntemplate:\n%s\ntestdata:\n%s", got, want)
	}
}

// provisionerBody returns the text between the braces of the template's
// provisioner block of that type, unindented by the build and block levels.
func provisionerBody(t *testing.T, path, typ string) string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	file, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, build := range file.Body.(*hclsyntax.Body).Blocks {
		if build.Type != "build" {
			continue
		}
		for _, b := range build.Body.Blocks {
			if b.Type == "provisioner" && len(b.Labels) == 1 && b.Labels[0] == typ {
				body := string(src[b.OpenBraceRange.End.Byte:b.CloseBraceRange.Start.Byte])
				lines := strings.Split(body, "\n")
				for i, l := range lines {
					lines[i] = strings.TrimPrefix(l, "    ")
				}
				return strings.Join(lines, "\n")
			}
		}
	}
	t.Fatalf("%s: no build { provisioner %q { ... } }", path, typ)
	return ""
}
