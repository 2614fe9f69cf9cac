//go:build acc

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// get fetches http://ADDRESS:PORT/ as a browser would.
func get(address string, port int) (string, error) {
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(fmt.Sprintf("http://%s:%d/", address, port))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("HTTP %s", resp.Status)
	}
	return string(body), err
}

// checkPage asserts that the instance Terraform reports serves the demo
// web app of the given version on port 8080 (sg_22 opens it): the image's
// webapp.service was started at boot, and "running" means it answers.
func (p *project) checkPage(t *testing.T, web webOutputs, version string) {
	t.Helper()
	page, err := get(web.PublicIP, 8080)
	if err != nil {
		t.Fatalf("instance %s: http://%s:8080/: %v", web.InstanceID, web.PublicIP, err)
	}
	if want := "App version " + version + ","; !strings.Contains(page, want) {
		t.Fatalf("instance %s: http://%s:8080/ shows no %q:\n%s", web.InstanceID, web.PublicIP, want, page)
	}
	t.Logf("http://%s:8080/ (instance %s): app version %s", web.PublicIP, web.InstanceID, version)
}

// checkGroupRefuses starts a second web server on port 9090 inside the
// instance (as terraform, with keys/terraform) and asserts it answers there
// but not from this machine: sg_22 does not open 9090, while 8080 still
// answers.
func (p *project) checkGroupRefuses(t *testing.T, web webOutputs) {
	t.Helper()
	in := p.cloud.Instance(t, web.InstanceID)
	key := filepath.Join(p.dir, "keys", "terraform")
	out, err := sshRun(p.cloud, in, key, "terraform", "nohup python3 -m http.server 9090 --directory /opt/webapp </dev/null >/dev/null 2>&1 & "+
		"for i in $(seq 50); do curl -fsS http://localhost:9090/ 2>/dev/null && exit; sleep 0.1; done; exit 1")
	if err != nil || !strings.Contains(out, "App version") {
		t.Fatalf("a web server on port 9090 inside instance %s (ssh as terraform): %v\n%s", web.InstanceID, err, out)
	}
	for i := 0; !contains(p.cloud.Instance(t, web.InstanceID).Listening, 9090); i++ {
		if i == 50 {
			t.Fatalf("the local cloud does not see port 9090 listening in %s", web.InstanceID)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if page, err := get(web.PublicIP, 9090); err == nil {
		t.Errorf("port 9090 of %s answered although sg_22 does not open it: %.80q", web.InstanceID, page)
	}
	if _, err := get(web.PublicIP, 8080); err != nil {
		t.Errorf("port 8080 of %s stopped answering: %v", web.InstanceID, err)
	}
	log, _ := os.ReadFile(filepath.Join(p.cloud.Dir, "localcloud.log"))
	if want := web.InstanceID + ": refused 127.0.0.1 to port 9090"; !strings.Contains(string(log), want) {
		t.Errorf("the local cloud's log does not say %q", want)
	}
}

func contains(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}
