package setup

import (
	"strings"
	"testing"
)

// TestAptCallsForUpgrade: every apt-get call includes phased updates (so
// two builds of one template get the same packages, whatever machine-id
// each build instance draws), and an upgrade runs update, dist-upgrade,
// install, autoremove --purge, clean, in that order.
func TestAptCallsForUpgrade(t *testing.T) {
	stubs := map[string]string{"apt-get": "exit 0", "dpkg-query": "exit 1", "grep": "/usr/bin/grep", "cat": "/usr/bin/cat"}
	_, calls, err := shellWithStubs(t, stubs, "set -e; ensure_packages 1 curl")
	if err != nil {
		t.Fatal(err)
	}
	var verbs []string
	for _, c := range strings.Split(strings.TrimSpace(calls), "\n") {
		if !strings.HasPrefix(c, "apt-get ") {
			continue
		}
		if !strings.Contains(c, "-o APT::Get::Always-Include-Phased-Updates=true") {
			t.Errorf("apt-get without phased updates: %s", c)
		}
		verbs = append(verbs, c[strings.LastIndex(c, "--force-confold")+len("--force-confold "):])
	}
	want := "update|-y dist-upgrade|-y install curl|-y autoremove --purge|clean"
	if got := strings.Join(verbs, "|"); got != want {
		t.Errorf("apt-get calls %s, want %s", got, want)
	}
}
