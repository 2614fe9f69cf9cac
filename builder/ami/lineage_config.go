//go:generate go tool packer-sdc struct-markdown

package ami

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
)

// LineageConfig says where the template lives, for the tags that record
// where an image came from. Every image carries them, on the AMI in every
// region and on its snapshots: `immutable:build-uuid`, `immutable:build`
// (e.g. `immutable-ami.web`), `immutable:build-region`,
// `immutable:source-ami` (and `immutable:source-parameter` when
// `source_ami` named an SSM parameter), `immutable:root-ami` and
// `immutable:depth` (the first image of the chain this plugin did not
// build, and how many of its builds lie between), `immutable:template`,
// `immutable:git-commit` and `immutable:git-dirty` (when the template is
// in a git work tree), and `immutable:fingerprint` (a hash of the inputs).
// `packer-plugin-immutable history -image ami-…` prints an image's chain
// from them, and `prune` never deletes the source of an image that stays.
type LineageConfig struct {
	// The template's folder: its path inside its git work tree, and the
	// commit checked out there, are recorded in the image's tags. Set it to
	// `path.root`. Defaults to the folder `packer build` runs in (Packer
	// does not tell a plugin where an HCL2 template is).
	TemplateDir string `mapstructure:"template_dir" required:"false"`
}

// Prepare fills the default and refuses tags that would overwrite the
// lineage: the `immutable:` prefix is the plugin's own.
func (c *LineageConfig) Prepare(tags, snapshotTags map[string]string) []error {
	var errs []error
	if c.TemplateDir == "" {
		c.TemplateDir, _ = os.Getwd()
	}
	if fi, err := os.Stat(c.TemplateDir); err != nil || !fi.IsDir() {
		errs = append(errs, fmt.Errorf("template_dir %q is not a folder: set it to path.root", c.TemplateDir))
	}
	for attr, m := range map[string]map[string]string{"tags": tags, "snapshot_tags": snapshotTags} {
		if keys := lineage.Reserved(m); len(keys) > 0 {
			slices.Sort(keys)
			errs = append(errs, fmt.Errorf("%s: %s: keys starting with %q are the plugin's own lineage tags; rename them",
				attr, strings.Join(keys, ", "), lineage.Prefix))
		}
	}
	return errs
}
