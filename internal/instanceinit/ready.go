package instanceinit

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// awaitListening waits until each started service listens on a TCP port or
// has exited, for at most readyWithin: the instance is ready when what it
// serves answers (systemd's "started" is earlier; EC2's status checks
// later).
func (i *initd) awaitListening(pids []int) {
	deadline := time.Now().Add(readyWithin)
	for _, pid := range pids {
		for !i.reaper.gone(pid) && !listens(pid) {
			if time.Now().After(deadline) {
				i.say("pid %d neither listens nor exited after %s; ready anyway", pid, readyWithin)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// listens reports whether one of the process's sockets is a listening TCP
// socket (its inode in /proc/net/tcp{,6} with state 0A).
func listens(pid int) bool {
	fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	mine := map[string]bool{}
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil && strings.HasPrefix(target, "socket:[") {
			mine[strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")] = true
		}
	}
	if len(mine) == 0 {
		return false
	}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		s := bufio.NewScanner(f)
		for s.Scan() {
			if fields := strings.Fields(s.Text()); len(fields) > 9 && fields[3] == "0A" && mine[fields[9]] {
				f.Close()
				return true
			}
		}
		f.Close()
	}
	return false
}
