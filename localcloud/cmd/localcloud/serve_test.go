package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestServeIsStrictByDefault: the local cloud's EC2 endpoint answers as a
// real account does (ec2proxy.Strict) unless told -strict=false.
func TestServeIsStrictByDefault(t *testing.T) {
	amis := filepath.Join(t.TempDir(), "amis.json")
	if err := os.WriteFile(amis, []byte(`[{"ami_id":"ami-1"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-dir", "d", "-moto", "http://127.0.0.1:1", "-base-root", "r", "-amis", amis, "-apt", "a", "-boot", "b"}
	for extra, want := range map[string]bool{"": true, "-strict=false": false, "-strict": true} {
		a := args
		if extra != "" {
			a = append(append([]string(nil), args...), extra)
		}
		_, strict, err := serveConfig(a)
		if err != nil || strict != want {
			t.Errorf("serve %v: strict %v (%v), want %v", extra, strict, err, want)
		}
	}
}
