package localcloud

import (
	"net/netip"
	"reflect"
	"testing"
)

func TestAdmitting(t *testing.T) {
	loop := netip.MustParseAddr("127.0.0.1")
	web := Group{ID: "sg-web", Rules: []Rule{
		{Protocol: "tcp", From: 22, To: 22, CIDRs: []string{"0.0.0.0/0"}},
		{Protocol: "tcp", From: 8000, To: 8100, CIDRs: []string{"127.0.0.1/32"}},
		{Protocol: "udp", From: 53, To: 53, CIDRs: []string{"0.0.0.0/0"}},
	}}
	narrow := Group{ID: "sg-narrow", Rules: []Rule{{Protocol: "tcp", From: 22, To: 22, CIDRs: []string{"10.0.0.0/8", "bad"}}}}
	all := Group{ID: "sg-all", Rules: []Rule{{Protocol: "-1", From: -1, To: -1, CIDRs: []string{"127.0.0.0/8"}}}}
	tests := []struct {
		name   string
		groups []Group
		src    string
		port   int
		want   string
	}{
		{"open to the world", []Group{web}, "127.0.0.1", 22, "sg-web"},
		{"inside a range", []Group{web}, "127.0.0.1", 8080, "sg-web"},
		{"range end", []Group{web}, "127.0.0.1", 8100, "sg-web"},
		{"past the range", []Group{web}, "127.0.0.1", 8101, ""},
		{"source outside the CIDR", []Group{web}, "127.0.0.2", 8080, ""},
		{"udp rule does not open tcp", []Group{web}, "127.0.0.1", 53, ""},
		{"wrong CIDR", []Group{narrow}, "127.0.0.1", 22, ""},
		{"second group admits", []Group{narrow, all}, "127.0.0.1", 22, "sg-all"},
		{"all traffic, any port", []Group{all}, "127.9.9.9", 9999, "sg-all"},
		{"no groups", nil, "127.0.0.1", 22, ""},
		{"mapped IPv4", []Group{web}, "::ffff:127.0.0.1", 8080, "sg-web"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, ok := Admitting(tt.groups, netip.MustParseAddr(tt.src), tt.port)
			if ok != (tt.want != "") || g.ID != tt.want {
				t.Fatalf("Admitting(%s, %d) = %q, %v; want %q", tt.src, tt.port, g.ID, ok, tt.want)
			}
		})
	}
	if got := OpenPorts([]Group{web, narrow, all}, loop); !reflect.DeepEqual(got, []PortRange{{0, 65535}, {22, 22}, {8000, 8100}}) {
		t.Errorf("OpenPorts = %v", got)
	}
}
