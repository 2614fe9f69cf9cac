package instanceinit

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// WantsDir is where `systemctl enable` links what starts at boot.
const WantsDir = "/etc/systemd/system/multi-user.target.wants"

const (
	// readyWithin bounds the wait for started services to listen.
	readyWithin = 10 * time.Second
	// stopWithin is how long processes get after TERM before KILL.
	stopWithin = 10 * time.Second
)

type initd struct {
	reaper  *reaper
	console *os.File
}

// Run is PID 1: it starts the enabled units, says "ready" on fd 3 when they
// listen (or have exited), then reaps children until SIGTERM, when it stops
// every process of the instance and returns.
func Run() {
	i := &initd{reaper: newReaper(), console: os.Stdout}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGCHLD, syscall.SIGTERM, syscall.SIGINT)
	go i.boot()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case s := <-sigs:
			if s == syscall.SIGTERM || s == syscall.SIGINT {
				i.shutdown()
				return
			}
			i.reaper.reapAll()
		case <-tick.C: // a SIGCHLD can be missed while reaping
			i.reaper.reapAll()
		}
	}
}

func (i *initd) say(format string, args ...any) {
	fmt.Fprintf(i.console, "localcloud-init: "+format+"\n", args...)
}

func (i *initd) boot() {
	var pids []int
	for _, path := range enabled() {
		u, err := ReadUnit(path)
		if err != nil {
			i.say("%s: %v", filepath.Base(path), err)
			continue
		}
		if pid, err := i.start(u); err != nil {
			i.say("%s failed: %v", u.Name, err)
		} else if pid > 0 {
			pids = append(pids, pid)
		}
	}
	i.awaitListening(pids)
	if ready := os.NewFile(3, "ready"); ready != nil {
		_, _ = ready.WriteString("ready\n")
		_ = ready.Close()
	}
	i.say("ready")
}

// enabled lists the units linked in WantsDir, sorted, sshd last: it is what
// tells the outside that boot is over.
func enabled() []string {
	links, _ := filepath.Glob(filepath.Join(WantsDir, "*.service"))
	sort.Slice(links, func(a, b int) bool {
		sa, sb := isSSH(links[a]), isSSH(links[b])
		if sa != sb {
			return sb
		}
		return links[a] < links[b]
	})
	var out []string
	for _, l := range links {
		if !strings.Contains(filepath.Base(l), "@") { // templates need an instance name
			out = append(out, l)
		}
	}
	return out
}

func isSSH(path string) bool {
	b := filepath.Base(path)
	return b == "ssh.service" || b == "sshd.service"
}

// shutdown sends TERM to every process of the instance (kill -1 from PID 1
// of a PID namespace reaches them all), waits, then KILLs what is left.
func (i *initd) shutdown() {
	i.say("stopping")
	_ = syscall.Kill(-1, syscall.SIGTERM)
	deadline := time.Now().Add(stopWithin)
	for i.reaper.reapAll() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(-1, syscall.SIGKILL)
	for i.reaper.reapAll() && time.Now().Before(deadline.Add(time.Second)) {
		time.Sleep(20 * time.Millisecond)
	}
}
