package localcloud

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localssm"
)

// agentDelay is how long after boot an instance's SSM agent is online: on
// EC2 it registers within seconds to a minute; clients must wait for it.
const agentDelay = 2 * time.Second

// newStandIn is the cloud's Session Manager: it judges from moto whether
// an instance's agent could register (running, an instance profile whose
// role allows it) and from this cloud whether it has booted, and reaches
// the instance's ports from inside, as its agent does.
func (c *Cloud) newStandIn() *localssm.StandIn {
	targets := localssm.NewMotoTargets(c.cfg.MotoURL, agentDelay)
	targets.Booted = c.runningSince
	return localssm.New(localssm.Config{Targets: targets, Host: c, Log: c.cfg.Log})
}

// runningSince is when the instance's init said ready; false when it does
// not run here.
func (c *Cloud) runningSince(id string) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	in := c.instances[id]
	if in == nil || in.phase != phaseRunning || in.proc == nil {
		return time.Time{}, false
	}
	return in.runningSince, true
}

// Dial connects to port on 127.0.0.1 inside the instance's network
// namespace, where its agent connects: no security group is in the way
// (the agent's connection never crosses the instance's interface).
func (c *Cloud) Dial(ctx context.Context, id string, port int) (net.Conn, error) {
	c.mu.Lock()
	in, pid := c.instances[id], 0
	if in != nil && in.phase == phaseRunning && in.proc != nil {
		pid = in.proc.Pid
	}
	c.mu.Unlock()
	if pid == 0 {
		return nil, fmt.Errorf("instance %s does not run here", id)
	}
	// A namespace handle of our own: stop closes the instance's.
	ns, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", pid))
	if err != nil {
		return nil, fmt.Errorf("instance %s: its network namespace: %w", id, err)
	}
	defer ns.Close()
	timeout := 5 * time.Second
	if d, ok := ctx.Deadline(); ok {
		timeout = time.Until(d)
	}
	return dialIn(ns, "127.0.0.1:"+strconv.Itoa(port), timeout)
}
