package tfvarsfile

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestLockTokenNamesThisProcessAndMachine: the lock file says which
// process on which machine holds it, so a writer on another machine
// sharing the folder never takes it for one of its own dead processes.
func TestLockTokenNamesThisProcessAndMachine(t *testing.T) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		t.Fatalf("this machine has no host name (%v): the test needs one", err)
	}
	if tok := string(newToken()); !strings.HasPrefix(tok, fmt.Sprintf("%d %s ", os.Getpid(), host)) {
		t.Errorf("lock token %q, want it to start with this process's PID and %q", tok, host)
	}
}
