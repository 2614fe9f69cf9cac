package instanceinit

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// runAs is who a unit's processes run as.
type runAs struct {
	cred *syscall.Credential
	home string
	name string
}

// identity honours User=, Group= and DynamicUser= simply: a dynamic user
// is nobody:nogroup.
func identity(u *Unit) (runAs, error) {
	if u.DynamicUser {
		return runAs{cred: &syscall.Credential{Uid: 65534, Gid: 65534}, home: "/", name: "nobody"}, nil
	}
	if u.User == "" || u.User == "root" || u.User == "0" {
		return runAs{home: "/root", name: "root"}, nil
	}
	usr, err := user.Lookup(u.User)
	if err != nil {
		return runAs{}, fmt.Errorf("User=%s: %w", u.User, err)
	}
	uid, _ := strconv.Atoi(usr.Uid)
	gid, _ := strconv.Atoi(usr.Gid)
	if u.Group != "" {
		g, err := user.LookupGroup(u.Group)
		if err != nil {
			return runAs{}, fmt.Errorf("Group=%s: %w", u.Group, err)
		}
		gid, _ = strconv.Atoi(g.Gid)
	}
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	if ids, err := usr.GroupIds(); err == nil {
		for _, id := range ids {
			if n, err := strconv.Atoi(id); err == nil {
				cred.Groups = append(cred.Groups, uint32(n))
			}
		}
	}
	return runAs{cred: cred, home: usr.HomeDir, name: usr.Username}, nil
}

// environment is the unit's environment: a base like systemd's, then
// EnvironmentFile= (a "-" one may be missing), then Environment=.
func environment(u *Unit, who runAs) (map[string]string, error) {
	env := map[string]string{"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"LANG": "C.UTF-8", "HOME": who.home, "USER": who.name, "LOGNAME": who.name}
	for _, f := range u.EnvironmentFiles {
		path, optional := strings.CutPrefix(f, "-")
		if err := ReadEnvFile(path, env); err != nil && !optional {
			return nil, fmt.Errorf("EnvironmentFile=%s: %w", path, err)
		}
	}
	for _, kv := range u.Environment {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env, nil
}

// spawn starts one command of a unit; the reaper collects it.
func spawn(c Command, env map[string]string, who runAs, dir string, console *os.File) (int, error) {
	if len(c.Argv) == 0 {
		return 0, fmt.Errorf("empty command")
	}
	path := c.Argv[0]
	if !filepath.IsAbs(path) {
		for _, d := range filepath.SplitList(env["PATH"]) {
			if _, err := os.Stat(filepath.Join(d, path)); err == nil {
				path = filepath.Join(d, path)
				break
			}
		}
	}
	var list []string
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return 0, err
	}
	defer devnull.Close()
	p, err := os.StartProcess(path, c.Argv, &os.ProcAttr{Dir: dir, Env: list, Files: []*os.File{devnull, console, console},
		Sys: &syscall.SysProcAttr{Credential: who.cred, Setsid: true}})
	if err != nil {
		return 0, err
	}
	pid := p.Pid
	_ = p.Release() // the reaper waits for it, not os.Process
	return pid, nil
}

// runtimeDirs makes RuntimeDirectory= folders under /run, owned by the
// unit's user.
func runtimeDirs(u *Unit, who runAs) error {
	for _, d := range u.RuntimeDirectory {
		path := filepath.Join("/run", d)
		if err := os.MkdirAll(path, 0o755); err != nil {
			return err
		}
		if who.cred != nil {
			if err := os.Chown(path, int(who.cred.Uid), int(who.cred.Gid)); err != nil {
				return err
			}
		}
	}
	return nil
}
