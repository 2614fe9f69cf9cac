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

// sourceCIDRs returns the CIDRs the temporary group admits SSH from: the
// configured ones, else only this machine's detected address.
func sourceCIDRs(ctx context.Context, client *http.Client, configured []string, url string) ([]string, error) {
	if len(configured) > 0 {
		return configured, nil
	}
	addr, err := detectPublicIP(ctx, client, url)
	if err != nil {
		return nil, fmt.Errorf("detecting this machine's public IP address from %s to admit SSH from it alone: %w; "+
			"set temporary_security_group_source_cidrs to the CIDR blocks the build may be reached from "+
			"(or public_ip_detection_url to another service)", url, err)
	}
	return []string{netip.PrefixFrom(addr, addr.BitLen()).String()}, nil
}
