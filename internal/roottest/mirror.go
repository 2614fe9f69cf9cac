package roottest

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// useLocalMirror points the root's apt at the local apt mirror
// (tools/apt-mirror.sh: every package the tests install), served on a
// loopback port by this test process until the test ends, so packages
// install with no network. The root shares the host's network, so a
// file: source would need a mount; HTTP needs none.
func useLocalMirror(t testing.TB, root string) {
	t.Helper()
	script := filepath.Join(packertest.RepoRoot(t), "tools", "apt-mirror.sh")
	cmd := exec.Command(script)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v (run make deps once with network)", script, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(strings.TrimSpace(string(out))))}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	sources, _ := filepath.Glob(filepath.Join(root, "etc/apt/sources.list.d/*"))
	for _, s := range sources {
		_ = os.Remove(s)
	}
	line := "deb [trusted=yes] http://" + l.Addr().String() + "/ ./\n"
	if err := os.WriteFile(filepath.Join(root, "etc/apt/sources.list"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
}
