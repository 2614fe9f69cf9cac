package instanceinit

import (
	"sync"
	"syscall"
)

// reaper waits for every child of PID 1: the services it started and the
// orphans the kernel hands it. Whoever wants one exit status asks wait.
type reaper struct {
	mu      sync.Mutex
	exited  map[int]syscall.WaitStatus
	waiting map[int]chan syscall.WaitStatus
}

func newReaper() *reaper {
	return &reaper{exited: map[int]syscall.WaitStatus{}, waiting: map[int]chan syscall.WaitStatus{}}
}

// reapAll collects every child that has exited, without blocking. It
// reports false once PID 1 has no children left.
func (r *reaper) reapAll() bool {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err == syscall.ECHILD {
			return false
		}
		if pid <= 0 || err != nil {
			return true
		}
		r.mu.Lock()
		if ch, ok := r.waiting[pid]; ok {
			ch <- ws
			delete(r.waiting, pid)
		} else {
			r.exited[pid] = ws
		}
		r.mu.Unlock()
	}
}

// wait returns the exit status of a child, once it has exited.
func (r *reaper) wait(pid int) syscall.WaitStatus {
	r.mu.Lock()
	if ws, ok := r.exited[pid]; ok {
		delete(r.exited, pid)
		r.mu.Unlock()
		return ws
	}
	ch := make(chan syscall.WaitStatus, 1)
	r.waiting[pid] = ch
	r.mu.Unlock()
	return <-ch
}

// gone reports whether a child has exited (and nobody waited for it yet).
func (r *reaper) gone(pid int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.exited[pid]
	return ok
}
