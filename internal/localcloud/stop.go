package localcloud

import (
	"os"
	"syscall"
	"time"
)

// stop ends the instance's processes, as a shutdown does: its gate closes
// at once (nothing answers any more), init gets TERM and stops the rest.
// The disk stays. The caller has set the phase (stopping or terminating);
// stop leaves it for the caller to finish.
func (c *Cloud) stop(in *Instance, final phase) error {
	in.op.Lock()
	defer in.op.Unlock()
	c.mu.Lock()
	in.stopAsked = true
	proc, exited, g, netns := in.proc, in.exited, in.gate, in.netns
	in.proc, in.gate, in.netns = nil, nil, nil
	c.mu.Unlock()
	if g != nil {
		g.close()
	}
	if proc != nil {
		_ = proc.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(stopTimeout):
			c.logf("%s: init did not stop within %s; killing it", in.ID, stopTimeout)
			_ = proc.Kill()
			<-exited
		}
	}
	if netns != nil {
		_ = netns.Close()
	}
	if final == phaseTerminated {
		if err := os.RemoveAll(c.instanceDir(in.ID)); err != nil {
			return errorf(in.ID, "dropping its disk: %w", err)
		}
	}
	c.setPhase(in, final)
	c.logf("%s: %s", in.ID, final)
	if final == phaseTerminated {
		c.gcLayers()
	}
	return nil
}
