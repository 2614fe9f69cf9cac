package localcloud

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// listeningPorts returns the TCP ports a process's network namespace
// listens on at every address (0.0.0.0 or ::), from /proc/PID/net/tcp{,6}.
func listeningPorts(pid int) (map[int]bool, error) {
	ports := map[int]bool{}
	for _, name := range []string{"tcp", "tcp6"} {
		f, err := os.Open(fmt.Sprintf("/proc/%d/net/%s", pid, name))
		if err != nil {
			return nil, err
		}
		s := bufio.NewScanner(f)
		for s.Scan() {
			if port, ok := wildcardListen(s.Text()); ok {
				ports[port] = true
			}
		}
		f.Close()
	}
	return ports, nil
}

// wildcardListen parses one line of /proc/net/tcp: "sl local rem st ...",
// local as HEXADDR:HEXPORT, st 0A for LISTEN.
func wildcardListen(line string) (int, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || f[3] != "0A" {
		return 0, false
	}
	addr, port, ok := strings.Cut(f[1], ":")
	if !ok || strings.Trim(addr, "0") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(port, 16, 32)
	return int(n), err == nil
}

// securityGroups reads the instance's groups and their rules from EC2 now,
// so rules and groups changed after launch count.
func (c *Cloud) securityGroups(ctx context.Context, in *Instance) ([]Group, error) {
	ids, err := c.moto.instanceGroups(ctx, in.Region, in.ID)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return c.moto.groups(ctx, in.Region, ids)
}
