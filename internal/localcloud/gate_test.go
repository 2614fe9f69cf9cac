package localcloud

import (
	"net/netip"
	"testing"
)

// When this machine cannot listen on port 22 of loopback addresses, SSH
// moves to Config.SSHPort: a rule for that port (the builder's temporary
// group, from the template's ssh_port) or for 22 (a Terraform module's)
// admits SSH, and a rule for the moved port opens nothing else.
func TestGateAdmitsMovedSSH(t *testing.T) {
	src := netip.MustParseAddr("127.0.0.1")
	moved := &gate{c: &Cloud{cfg: Config{SSHPort: 2222}}}
	plain := &gate{c: &Cloud{cfg: Config{SSHPort: 22}}}
	rule := func(port int) []Group {
		return []Group{{ID: "sg", Rules: []Rule{{Protocol: "tcp", From: port, To: port, CIDRs: []string{"127.0.0.1/32"}}}}}
	}
	tests := []struct {
		name   string
		g      *gate
		groups []Group
		port   int
		want   bool
	}{
		{"moved: rule for the moved port", moved, rule(2222), 22, true},
		{"moved: rule for 22", moved, rule(22), 22, true},
		{"moved: the moved port's rule opens no other port", moved, rule(2222), 8080, false},
		{"moved: no rule", moved, rule(80), 22, false},
		{"not moved: a rule for 2222 is no SSH rule", plain, rule(2222), 22, false},
		{"not moved: rule for 22", plain, rule(22), 22, true},
	}
	for _, tt := range tests {
		if got := tt.g.admits(tt.groups, src, tt.port); got != tt.want {
			t.Errorf("%s: admits = %v, want %v", tt.name, got, tt.want)
		}
	}
}
