//go:build acc

package command

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// killer is a proxy hook that kills the prune process at its at-th EC2
// call: before the call reaches EC2, or (after) once EC2 has done it but
// before the process reads the answer.
type killer struct {
	mu      sync.Mutex
	at      int
	after   bool
	n       int
	seq     map[*ec2proxy.Call]int
	proc    *os.Process
	started chan struct{}
}

func newKiller(at int, after bool) *killer {
	return &killer{at: at, after: after, seq: map[*ec2proxy.Call]int{}, started: make(chan struct{})}
}

func (k *killer) Before(c *ec2proxy.Call) *ec2proxy.Answer {
	k.mu.Lock()
	k.n++
	k.seq[c] = k.n
	kill := k.n == k.at && !k.after
	k.mu.Unlock()
	if kill {
		k.kill()
		return ec2proxy.ErrorAnswer(500, "InternalError", "killed")
	}
	return nil
}

func (k *killer) After(c *ec2proxy.Call, body []byte) []byte {
	k.mu.Lock()
	kill := k.seq[c] == k.at && k.after
	k.mu.Unlock()
	if kill {
		k.kill()
	}
	return body
}

func (k *killer) kill() {
	<-k.started
	_ = k.proc.Kill()
}

func (k *killer) calls() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.n
}

// runKilled runs the binary through the proxy with hook k.
func runKilled(t *testing.T, bin string, p *ec2test.Proxy, k *killer, args ...string) string {
	t.Helper()
	var out strings.Builder
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), p.Env()...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	k.proc = cmd.Process
	close(k.started)
	_ = cmd.Wait()
	return out.String()
}

// A prune killed (SIGKILL) at each of its EC2 calls, before EC2 does the
// call or after, leaves no registered image without its snapshots; run
// again, it ends where an uninterrupted prune ends, the orphaned snapshots
// included.
func TestPruneKilledAtEveryCallLeavesNoBrokenImage(t *testing.T) {
	m := ec2test.Start(t)
	m.SetEnv(t)
	p := ec2test.StartProxy(t, m)
	bin := packertest.BuildPlugin(t, t.TempDir(), false)
	hook := &switchHook{}
	p.Use(hook)
	prune := func(e *estate) []string {
		return []string{"prune", "-apply", "-keep", "1", "-keep-within", "0", "-regions", "us-east-1,us-west-2", "-file", e.file, "-ssm-parameter", "/images/web"}
	}
	e := seedEstate(t, m)
	counter := newKiller(0, false)
	hook.set(counter)
	out := runKilled(t, bin, p, counter, prune(e)...)
	total := counter.calls()
	if !strings.Contains(out, "Done.") || total < 10 {
		t.Fatalf("uninterrupted prune (%d calls):\n%s", total, out)
	}
	t.Logf("an uninterrupted prune makes %d EC2 calls", total)
	for at := 1; at <= total; at++ {
		for _, after := range []bool{false, true} {
			m.Reset(t)
			e := seedEstate(t, m)
			k := newKiller(at, after)
			hook.set(k)
			out := runKilled(t, bin, p, k, prune(e)...)
			if b := append(ec2test.BrokenImages(t, e.east), ec2test.BrokenImages(t, e.westC)...); len(b) > 0 {
				t.Errorf("killed at call %d of %d (after EC2 did it: %v): images without snapshots %v\n%s", at, total, after, b, out)
			}
			hook.set(nil)
			if code, out, errOut := run(t, prune(e)...); code != 0 {
				t.Fatalf("second run after a kill at call %d: %d\n%s%s", at, code, out, errOut)
			}
			checkPruned(t, e, at, after)
		}
	}
}

// checkPruned checks the estate after a complete prune: web-4 and its
// copy gone with their snapshots, everything else there.
func checkPruned(t *testing.T, e *estate, at int, after bool) {
	t.Helper()
	east := registered(t, e.east, append(append([]string{}, e.web...), e.base1, e.app1, e.foreign)...)
	west := registered(t, e.westC, e.west...)
	for id, there := range east {
		if there == (id == e.web[3]) {
			t.Errorf("kill at %d (after %v), then a full run: %s registered = %v", at, after, id, there)
		}
	}
	if !west[e.west[0]] || west[e.west[1]] || !west[e.west[2]] {
		t.Errorf("kill at %d (after %v), then a full run: us-west-2 %v", at, after, west)
	}
	if snapshotExists(t, e.east, e.snaps[e.web[3]][0]) || snapshotExists(t, e.westC, e.snaps[e.west[1]][0]) {
		t.Errorf("kill at %d (after %v), then a full run: a pruned image's snapshot is left", at, after)
	}
}

// switchHook forwards to the current killer (none between runs).
type switchHook struct {
	mu sync.Mutex
	k  *killer
}

func (s *switchHook) set(k *killer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.k = k
}

func (s *switchHook) get() *killer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.k
}

func (s *switchHook) Before(c *ec2proxy.Call) *ec2proxy.Answer {
	if k := s.get(); k != nil {
		return k.Before(c)
	}
	return nil
}

func (s *switchHook) After(c *ec2proxy.Call, body []byte) []byte {
	if k := s.get(); k != nil {
		return k.After(c, body)
	}
	return body
}
