package localcloud

import (
	"fmt"
	"net/netip"
	"sort"
)

// Group is a security group with its ingress rules, as the gatekeeper
// reads it from EC2 when a connection arrives.
type Group struct {
	ID, Name string
	Rules    []Rule
}

// Rule is one ingress permission. From and To are -1 when EC2 gives no
// ports (protocol "-1": all traffic).
type Rule struct {
	Protocol string
	From, To int
	CIDRs    []string
}

// tcp reports whether the rule covers TCP to port.
func (r Rule) tcp(port int) bool {
	switch r.Protocol {
	case "-1", "all":
		return true
	case "tcp", "6":
		return r.From <= port && port <= r.To
	}
	return false
}

// from reports whether one of the rule's IPv4 ranges holds src. Rules that
// name other security groups or prefix lists admit other instances or AWS
// services, never a connection from this machine, so they never match.
func (r Rule) from(src netip.Addr) bool {
	for _, c := range r.CIDRs {
		if p, err := netip.ParsePrefix(c); err == nil && p.Contains(src.Unmap()) {
			return true
		}
	}
	return false
}

// Admitting returns the first group with a rule admitting TCP from src to
// port, as EC2 decides whether a packet reaches an instance: any rule of
// any of its groups is enough.
func Admitting(groups []Group, src netip.Addr, port int) (Group, bool) {
	for _, g := range groups {
		for _, r := range g.Rules {
			if r.tcp(port) && r.from(src) {
				return g, true
			}
		}
	}
	return Group{}, false
}

// PortRange is a range of TCP ports, From == To for one port.
type PortRange struct{ From, To int }

func (p PortRange) String() string {
	if p.From == p.To {
		return fmt.Sprint(p.From)
	}
	return fmt.Sprintf("%d-%d", p.From, p.To)
}

// OpenPorts lists the TCP port ranges the groups admit from src, sorted,
// for the listing of where an instance is reachable.
func OpenPorts(groups []Group, src netip.Addr) []PortRange {
	seen := map[PortRange]bool{}
	var out []PortRange
	for _, g := range groups {
		for _, r := range g.Rules {
			pr := PortRange{r.From, r.To}
			if r.Protocol == "-1" || r.Protocol == "all" {
				pr = PortRange{0, 65535}
			} else if r.Protocol != "tcp" && r.Protocol != "6" {
				continue
			}
			if r.from(src) && !seen[pr] {
				seen[pr] = true
				out = append(out, pr)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].From < out[j].From || (out[i].From == out[j].From && out[i].To < out[j].To)
	})
	return out
}
