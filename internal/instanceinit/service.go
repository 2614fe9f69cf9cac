package instanceinit

import (
	"fmt"
	"os"
	"strings"
)

// start runs a unit's ExecStartPre commands, then its ExecStart: waited for
// when Type=oneshot, else left running and its PID returned.
func (i *initd) start(u *Unit) (int, error) {
	for _, cond := range u.PathConditions {
		path, negate := strings.CutPrefix(cond, "!")
		if _, err := os.Stat(path); (err == nil) == negate {
			i.say("%s skipped: ConditionPathExists=%s", u.Name, cond)
			return 0, nil
		}
	}
	who, err := identity(u)
	if err != nil {
		return 0, err
	}
	env, err := environment(u, who)
	if err != nil {
		return 0, err
	}
	if err := runtimeDirs(u, who); err != nil {
		return 0, fmt.Errorf("RuntimeDirectory: %w", err)
	}
	dir := u.WorkingDirectory
	if dir == "" || dir == "~" {
		dir = "/"
	}
	for _, line := range u.ExecStartPre {
		if err := i.runWait(ParseCommand(line, env), env, who, dir); err != nil {
			return 0, fmt.Errorf("ExecStartPre=%s: %w", line, err)
		}
	}
	if len(u.ExecStart) == 0 {
		return 0, fmt.Errorf("no ExecStart=")
	}
	if u.Type == "oneshot" {
		for _, line := range u.ExecStart {
			if err := i.runWait(ParseCommand(line, env), env, who, dir); err != nil {
				return 0, fmt.Errorf("ExecStart=%s: %w", line, err)
			}
		}
		i.say("%s done", u.Name)
		return 0, nil
	}
	pid, err := spawn(ParseCommand(u.ExecStart[0], env), env, who, dir, i.console)
	if err != nil {
		return 0, fmt.Errorf("ExecStart=%s: %w", u.ExecStart[0], err)
	}
	i.say("%s started (pid %d, as %s)", u.Name, pid, who.name)
	return pid, nil
}

// runWait runs a command to its end; a failure counts unless "-" prefixed.
func (i *initd) runWait(c Command, env map[string]string, who runAs, dir string) error {
	pid, err := spawn(c, env, who, dir, i.console)
	if err == nil {
		if ws := i.reaper.wait(pid); ws.ExitStatus() != 0 {
			err = fmt.Errorf("exit status %d", ws.ExitStatus())
		}
	}
	if err != nil && c.IgnoreFailure {
		return nil
	}
	return err
}
