//go:build acc

package tfvars

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// Eight builds in one `packer build` run in parallel, each post-processor in
// its own plugin process, all writing the same terraform.tfvars: no update
// may be lost.
func TestEndToEndEightParallelBuildsOneFile(t *testing.T) {
	packer, root, env := packerEnv(t)
	var sources, names []string
	for i := range 8 {
		name := fmt.Sprintf("web%d", i)
		names = append(names, name)
		sources = append(sources, fmt.Sprintf("source %q %q {}\n", "immutable-fakeebs", name))
	}
	template := strings.Join(sources, "") + `
build {
  sources = [` + `"source.immutable-fakeebs.` + strings.Join(names, `", "source.immutable-fakeebs.`) + `"]

  post-processor "immutable-tfvars" {
    path         = "${path.root}/../instances/terraform.tfvars"
    variable     = "ami_${source.name}"
    map_variable = "amis_${source.name}"
  }
}
`
	write(t, filepath.Join(root, "images", "image.pkr.hcl"), template)
	tfvars := filepath.Join(root, "instances", "terraform.tfvars")
	write(t, tfvars, "# shared by eight builds\n")

	if out, err := packerBuild(t, packer, root, env); err != nil {
		t.Fatalf("packer build: %v\n%s", err, out)
	}
	for _, name := range names {
		if v, found, err := tfvarsfile.Read(tfvars, "ami_"+name, false); err != nil || !found || v.String != west {
			t.Errorf("ami_%s = %q (found %v, %v): an update was lost", name, v.String, found, err)
		}
		if m, _, err := tfvarsfile.Read(tfvars, "amis_"+name, true); err != nil || m.Map["us-east-1"] != east {
			t.Errorf("amis_%s = %v (%v): an update was lost", name, m.Map, err)
		}
	}
	if h, err := tfvarsfile.ReadHistory(tfvars); err != nil || len(h) != 8 {
		t.Errorf("history has %d entries (%v), want 8", len(h), err)
	}
}
