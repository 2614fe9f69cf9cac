// Package packertest runs the real packer with the plugin in tests: it finds
// the repository, gets packer from tools/packer.sh, builds the plugin binary
// and installs it into a private PACKER_PLUGIN_PATH.
//
// Only test code imports this package (and the internal/…test packages that
// tests use); the plugin itself never does.
package packertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// Source is the plugin's source address, the name packer installs it under.
const Source = "github.com/immutable-infrastructure/immutable"

// releaseFlags clear version.VersionPrerelease: a build without the "-dev"
// suffix is what `packer init` counts as installed for required_plugins'
// ">= 0.1.0" instead of trying to download it.
var releaseFlags = []string{"-ldflags",
	"-X github.com/immutable-infrastructure/packer-plugin-immutable/version.VersionPrerelease="}

// RepoRoot is the folder holding the module's go.mod, found upwards from
// this source file, so it does not depend on the test's working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the packertest source file")
	}
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			t.Fatalf("no go.mod above %s", file)
		}
	}
}

var packer struct {
	sync.Mutex
	path string
}

// Packer is the packer binary tools/packer.sh prints (building and caching
// it the first time); the script runs once per test binary.
func Packer(t testing.TB) string {
	t.Helper()
	packer.Lock()
	defer packer.Unlock()
	if packer.path == "" {
		script := filepath.Join(RepoRoot(t), "tools", "packer.sh")
		cmd := exec.Command(script)
		cmd.Dir = RepoRoot(t)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v\n%s%s", script, err, out, stderr(err))
		}
		packer.path = strings.TrimSpace(string(out))
	}
	return packer.path
}

// BuildPlugin builds the plugin (main.go at the repository root) into
// dir/packer-plugin-immutable and returns that path. release clears the
// "-dev" prerelease so `packer init` accepts the installed plugin.
func BuildPlugin(t testing.TB, dir string, release bool) string {
	t.Helper()
	var flags []string
	if release {
		flags = releaseFlags
	}
	return Build(t, ".", filepath.Join(dir, "packer-plugin-immutable"), flags...)
}

// Build compiles the main package pkg (relative to the repository root, or
// absolute) to out with go build's flags, and returns out as an absolute path.
func Build(t testing.TB, pkg, out string, flags ...string) string {
	t.Helper()
	out, err := filepath.Abs(out) // go build runs in the repository root
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{"build", "-o", out}, flags...), pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = RepoRoot(t)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// Install installs the plugin binary for packer into pluginDir as Source.
func Install(t testing.TB, packer, plugin, pluginDir string) {
	t.Helper()
	InstallAs(t, packer, plugin, pluginDir, Source)
}

// InstallAs installs any plugin binary into pluginDir under source; flags
// go to `packer plugins install` (e.g. "--force" to replace one).
func InstallAs(t testing.TB, packer, plugin, pluginDir, source string, flags ...string) {
	t.Helper()
	args := append(append([]string{"plugins", "install"}, flags...), "--path", plugin, source)
	cmd := exec.Command(packer, args...)
	cmd.Env = Env(pluginDir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("packer plugins install %s: %v\n%s", source, err, out)
	}
}

// Vars are the variables packer needs in tests: no update check (there is
// no internet) and plugins only from pluginDir.
func Vars(pluginDir string) []string {
	return []string{"CHECKPOINT_DISABLE=1", "PACKER_PLUGIN_PATH=" + pluginDir}
}

// Env is this process's environment plus Vars(pluginDir) and extra.
func Env(pluginDir string, extra ...string) []string {
	env := append(os.Environ(), Vars(pluginDir)...)
	return append(env, extra...)
}

// stderr is a failed command's standard error, if it was captured.
func stderr(err error) []byte {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.Stderr
	}
	return nil
}
