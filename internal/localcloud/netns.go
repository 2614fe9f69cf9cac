package localcloud

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// dialIn connects to addr inside the network namespace ns. The socket is
// made on an OS thread switched into the namespace (a socket belongs to
// the namespace it was created in), then the thread switches back; nothing
// changes on the host. A thread that cannot switch back is not unlocked,
// so Go retires it instead of reusing it.
func dialIn(ns *os.File, addr string, timeout time.Duration) (net.Conn, error) {
	runtime.LockOSThread()
	host, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", syscall.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	defer host.Close()
	if err := setns(ns); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("entering the instance's network namespace: %w", err)
	}
	conn, dialErr := net.DialTimeout("tcp", addr, timeout)
	if err := setns(host); err != nil {
		if conn != nil {
			conn.Close()
		}
		return nil, fmt.Errorf("leaving the instance's network namespace: %w", err)
	}
	runtime.UnlockOSThread()
	return conn, dialErr
}

func setns(ns *os.File) error {
	return unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET)
}
