package setup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestTemplateBlock decodes the immutable-setup block of the project's own
// template, images/image.pkr.hcl, with the generated HCL spec, as Packer
// does, and prepares it: the block shapes (user { name = ... }) and every
// attribute name are checked.
func TestTemplateBlock(t *testing.T) {
	dir := t.TempDir()
	images := filepath.Join(dir, "images")
	for path, content := range map[string]string{
		"keys/terraform.pub": userKey + "\n",
		"scripts/webapp.sh":  "#!/bin/sh\necho app\n",
		"images/README":      "the template folder\n",
	} {
		p := filepath.Join(dir, path)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	body := templateBlock(t, filepath.Join("..", "..", "images", "image.pkr.hcl"), "immutable-setup")
	var p Provisioner
	ectx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"path":  cty.ObjectVal(map[string]cty.Value{"root": cty.StringVal(images)}),
		"local": cty.ObjectVal(map[string]cty.Value{"terraform_key_file": cty.StringVal(filepath.Join(dir, "keys/terraform.pub"))}),
	}}
	val, diags := hcldec.Decode(body, hcldec.ObjectSpec(p.ConfigSpec()), ectx)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if err := p.Prepare(val); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	c := p.config
	if len(c.Packages) != 6 || !c.Upgrade || !c.Reboot || !c.SSHClearAuthorizedKeys || len(c.Groups) != 1 || !c.Groups[0].System || len(c.Verify) != 4 {
		t.Errorf("decoded config %+v", c)
	}
	u := c.Users[0]
	if u.Name != "terraform" || !u.SudoNopasswd || u.Shell != "/bin/bash" || !strings.HasSuffix(u.AuthorizedKeyFiles[0], "keys/terraform.pub") {
		t.Errorf("decoded user %+v", u)
	}
	pl := buildPlan(&c, planInput{RunDir: "/tmp/x", UserKeys: [][]string{{userKey}}, SSHUser: "ubuntu"})
	var names []string
	for _, s := range pl.Steps {
		names = append(names, s.Name)
	}
	want := "wait for boot to finish|check sudoers rules|upgrade and packages|reboot if required|group hashicorp|user terraform|script webapp.sh|" +
		"verify terraform can sudo without a password|verify terraform's key is installed (600, owned by terraform)|" +
		"verify the tools are installed|verify the web app is installed and enabled|seal"
	if got := strings.Join(names, "|"); got != want {
		t.Errorf("steps:\n%s\nwant:\n%s", got, want)
	}
}

// templateBlock returns the body of the template's build { provisioner
// "<typ>" { ... } } block.
func templateBlock(t *testing.T, path, typ string) hcl.Body {
	t.Helper()
	file, diags := hclparse.NewParser().ParseHCLFile(path)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, build := range file.Body.(*hclsyntax.Body).Blocks {
		for _, b := range build.Body.Blocks {
			if build.Type == "build" && b.Type == "provisioner" && len(b.Labels) == 1 && b.Labels[0] == typ {
				return b.Body
			}
		}
	}
	t.Fatalf("%s: no build { provisioner %q { ... } }", path, typ)
	return nil
}
