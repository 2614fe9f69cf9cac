package ami

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
)

// cgnat is the shared address space carriers and VPNs use (RFC 6598).
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// reachedPrivately reports whether a connection to dest stays off the
// public internet, so dest sees this machine's own address: loopback,
// RFC 1918 and unique local (IsPrivate), link-local, or carrier-grade NAT.
func reachedPrivately(dest netip.Addr) bool {
	dest = dest.Unmap()
	return dest.IsLoopback() || dest.IsPrivate() || dest.IsLinkLocalUnicast() || cgnat.Contains(dest)
}

// localAddrTo is this machine's address on its route to dest: the source
// address of a UDP "connection", which sends no packet.
func localAddrTo(dest netip.Addr, port int) (netip.Addr, error) {
	if port == 0 {
		port = 22
	}
	conn, err := net.Dial("udp", net.JoinHostPort(dest.Unmap().String(), strconv.Itoa(port)))
	if err != nil {
		return netip.Addr{}, err
	}
	defer conn.Close()
	local, ok := conn.LocalAddr().(*net.UDPAddr)
	if !ok {
		return netip.Addr{}, fmt.Errorf("no local address towards %s", dest)
	}
	addr, _ := netip.AddrFromSlice(local.IP)
	return addr.Unmap(), nil
}

// resolve returns host's addresses (host may be an address already).
func resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a.Unmap()}, nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return nil, fmt.Errorf("resolving %s to choose where the temporary security group admits SSH from: %v; "+
			"set temporary_security_group_source_cidrs", host, err)
	}
	for i := range addrs {
		addrs[i] = addrs[i].Unmap()
	}
	return addrs, nil
}

// throughBastion is the source the build instance sees when SSH goes
// through ssh_bastion_host or ssh_proxy_host (Via): the bastion's own
// address on its route to the instance. A bastion on this machine
// (loopback) connects from here; one running in the build's region is
// looked up in EC2 (its private address for an instance dialled on a
// private address, its public one otherwise). Anything else cannot be
// told from here, and the build asks for the CIDRs rather than guess.
func (s sshSource) throughBastion(ctx context.Context, host string) ([]string, error) {
	vias, err := resolve(ctx, s.Via)
	if err != nil {
		return nil, err
	}
	dests, err := resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	if vias[0].IsLoopback() {
		direct := s
		direct.Via = ""
		return direct.cidrs(ctx, host)
	}
	unknown := fmt.Errorf("SSH goes through %s, so the build instance sees the connection come from that host, "+
		"which is not an instance in this region: set temporary_security_group_source_cidrs to the address it "+
		"connects from (e.g. its private address/32)", s.Via)
	if s.Bastion == nil {
		return nil, unknown
	}
	private, public, err := s.Bastion(ctx, vias[0])
	if err != nil {
		return nil, fmt.Errorf("looking up the bastion %s in EC2: %w", s.Via, err)
	}
	src := public
	if reachedPrivately(dests[0]) {
		src = private
	}
	if !src.IsValid() {
		return nil, unknown
	}
	return prefixes(src), nil
}
