package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

const (
	webappBegin = "# --- web app: the same lines as scripts/webapp.sh (e2e TestWebappScriptInSync) ---\n"
	webappEnd   = "# --- end of web app ---\n"
)

// TestWebappScriptInSync: images/image.pkr.hcl runs scripts/webapp.sh, while
// scripts/setup.sh (the seed-style all-in-one script, uploaded as one file)
// repeats its lines. Both must install the same app: the same version and
// byte-for-byte the same commands between the markers.
func TestWebappScriptInSync(t *testing.T) {
	repo := packertest.RepoRoot(t)
	setup := readScript(t, filepath.Join(repo, "scripts", "setup.sh"))
	webapp := readScript(t, filepath.Join(repo, "scripts", "webapp.sh"))
	if a, b := appVersion(t, "setup.sh", setup), appVersion(t, "webapp.sh", webapp); a != b {
		t.Errorf("APP_VERSION is %s in scripts/setup.sh but %s in scripts/webapp.sh; change both", a, b)
	}
	a, b := webappBlock(t, "setup.sh", setup), webappBlock(t, "webapp.sh", webapp)
	if a != b {
		t.Errorf("the web app lines differ; copy them from scripts/webapp.sh into scripts/setup.sh.\nsetup.sh:\n%s\nwebapp.sh:\n%s", a, b)
	}
	if !strings.Contains(b, "/opt/webapp/VERSION") || !strings.Contains(b, "multi-user.target.wants/webapp.service") {
		t.Errorf("the web app block no longer installs /opt/webapp/VERSION and enables webapp.service:\n%s", b)
	}
}

func readScript(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

var appVersionLine = regexp.MustCompile(`(?m)^APP_VERSION=(\S+)$`)

func appVersion(t *testing.T, name, script string) string {
	t.Helper()
	m := appVersionLine.FindAllStringSubmatch(script, -1)
	if len(m) != 1 {
		t.Fatalf("%s: want one APP_VERSION=... line, found %d", name, len(m))
	}
	return m[0][1]
}

func webappBlock(t *testing.T, name, script string) string {
	t.Helper()
	_, rest, ok := strings.Cut(script, webappBegin)
	block, _, ok2 := strings.Cut(rest, webappEnd)
	if !ok || !ok2 {
		t.Fatalf("%s: the web app markers %q and %q are missing", name, strings.TrimSpace(webappBegin), strings.TrimSpace(webappEnd))
	}
	return block
}
