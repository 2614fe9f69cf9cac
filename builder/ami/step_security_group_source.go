package ami

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// publicIPTimeout keeps a build from hanging on a detection service that
// does not answer; the user can always set the CIDRs instead.
const publicIPTimeout = 5 * time.Second

// sshSource decides where the temporary security group admits SSH from.
// What the build instance sees as the source of the SSH connection depends
// on the route to the address dialled: through a private network (a CI
// runner in the VPC, a VPN, ssh_interface = "private_ip") it is this
// machine's own address on that route; across the internet it is this
// machine's public egress address (its NAT's); through ssh_bastion_host or
// ssh_proxy_host it is the bastion's. amazon-ebs opens 0.0.0.0/0 by
// default because public-IP detection breaks all but the first case
// (hashicorp/packer#2345, #6735, #9915); the route answers each of them
// with a single address, and the build fails naming
// temporary_security_group_source_cidrs where nothing can be told.
type sshSource struct {
	// Configured is temporary_security_group_source_cidrs: used as given.
	Configured []string
	// PublicIP is temporary_security_group_source_public_ip: always the
	// detected public address, as amazon-ebs's option of that name.
	PublicIP bool
	// DetectURL answers with the caller's public address in plain text.
	DetectURL string
	// HTTPClient asks DetectURL; nil means a client that ignores
	// HTTP(S)_PROXY (through a proxy the service would see the proxy).
	HTTPClient *http.Client
	// Port is the SSH port the connection goes to.
	Port int
	// Via is ssh_bastion_host or ssh_proxy_host, when set: the host the
	// connection to the instance really comes from.
	Via string
	// Bastion finds the addresses an EC2 instance at addr is seen from
	// (private, public), for a bastion that runs in the build's region.
	Bastion func(ctx context.Context, addr netip.Addr) (private, public netip.Addr, err error)
}

// needsDestination reports whether the source depends on the address
// dialled, which for ssh_interface is known only once the instance runs.
func (s sshSource) needsDestination() bool {
	return len(s.Configured) == 0 && !s.PublicIP
}

// cidrs returns the CIDRs to admit SSH from for a connection to host.
func (s sshSource) cidrs(ctx context.Context, host string) ([]string, error) {
	switch {
	case len(s.Configured) > 0:
		return s.Configured, nil
	case s.PublicIP:
		addr, err := s.publicAddr(ctx)
		return prefixes(addr), err
	case s.Via != "":
		return s.throughBastion(ctx, host)
	}
	dests, err := resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range dests {
		src, err := s.sourceFor(ctx, d)
		if err != nil {
			return nil, err
		}
		out = appendNew(out, prefixes(src)...)
	}
	return out, nil
}

// sourceFor is the address a connection from this machine to dest comes
// from, as dest sees it.
func (s sshSource) sourceFor(ctx context.Context, dest netip.Addr) (netip.Addr, error) {
	if !reachedPrivately(dest) {
		return s.publicAddr(ctx)
	}
	src, err := localAddrTo(dest, s.Port)
	if err != nil {
		return src, fmt.Errorf("finding this machine's address on the route to %s: %w; "+
			"set temporary_security_group_source_cidrs to the CIDR blocks the build connects from", dest, err)
	}
	return src, nil
}

// publicAddr detects this machine's public egress address.
func (s sshSource) publicAddr(ctx context.Context) (netip.Addr, error) {
	client := s.HTTPClient
	if client == nil {
		client = directClient()
	}
	addr, err := detectPublicIP(ctx, client, s.DetectURL)
	if err != nil {
		return addr, fmt.Errorf("detecting this machine's public IP address from %s to admit SSH from it alone: %w; "+
			"set temporary_security_group_source_cidrs to the CIDR blocks the build may be reached from "+
			"(or public_ip_detection_url to another service)", s.DetectURL, err)
	}
	return addr, nil
}

// directClient asks without any HTTP(S)_PROXY: the detection service must
// see this machine's own egress address, not a proxy's.
func directClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	return &http.Client{Transport: t}
}

// detectPublicIP asks url (plain-text answer, like checkip.amazonaws.com)
// for this machine's public address.
func detectPublicIP(ctx context.Context, client *http.Client, url string) (netip.Addr, error) {
	ctx, cancel := context.WithTimeout(ctx, publicIPTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return netip.Addr{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return netip.Addr{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return netip.Addr{}, fmt.Errorf("%s answered HTTP %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256))
	if err != nil {
		return netip.Addr{}, err
	}
	addr, err := netip.ParseAddr(strings.TrimSpace(string(body)))
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%s did not answer with an IP address: %w", url, err)
	}
	return addr.Unmap(), nil
}

// prefixes is the single-address CIDR of addr (/32 or /128).
func prefixes(addr netip.Addr) []string {
	if !addr.IsValid() {
		return nil
	}
	return []string{netip.PrefixFrom(addr, addr.BitLen()).String()}
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		found := false
		for _, x := range list {
			found = found || x == it
		}
		if !found {
			list = append(list, it)
		}
	}
	return list
}
