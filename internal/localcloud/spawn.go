package localcloud

import (
	"os/exec"
	"runtime"
)

// spawner starts instances from one OS thread that never exits: Linux
// sends an instance its parent-death signal (Pdeathsig) when the thread
// that started it exits, not the process, and Go may retire threads.
type spawner struct {
	reqs chan spawnReq
}

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

func newSpawner() *spawner {
	s := &spawner{reqs: make(chan spawnReq)}
	go s.loop()
	return s
}

func (s *spawner) loop() {
	runtime.LockOSThread() // never unlocked: the thread lives as long as the daemon
	for r := range s.reqs {
		r.done <- r.cmd.Start()
	}
}

func (s *spawner) start(cmd *exec.Cmd) error {
	done := make(chan error, 1)
	s.reqs <- spawnReq{cmd: cmd, done: done}
	return <-done
}
