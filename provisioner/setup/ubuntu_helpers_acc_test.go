//go:build acc

package setup

import (
	"os"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/roottest"
)

// bootUbuntu boots a Debian root as an Ubuntu AMI (roottest.BootUbuntu).
func bootUbuntu(t *testing.T, knobs ...string) *ubuntuBoot {
	t.Helper()
	u := roottest.BootUbuntu(t, knobs...)
	return &ubuntuBoot{Ubuntu: u, root: u.Root}
}

// ubuntuBoot names the booted root's paths for this package's tests.
type ubuntuBoot struct {
	*roottest.Ubuntu
	root string
}

func (b *ubuntuBoot) path(p string) string { return b.Path(p) }
func (b *ubuntuBoot) touch(p string)       { b.Touch(p) }
func (b *ubuntuBoot) fireTimers() string   { return b.FireTimers() }

var (
	waitFor = roottest.WaitFor
	lines   = roottest.Lines
)

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
