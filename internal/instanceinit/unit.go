// Package instanceinit is PID 1 of a local cloud instance (see
// internal/localcloud): systemd does not run there, so it starts what the
// image enables at boot — the services linked under
// /etc/systemd/system/multi-user.target.wants, with the [Service] settings
// below honoured simply — says "ready" when they listen, reaps orphans,
// and on SIGTERM stops everything as a shutdown would.
package instanceinit

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// Unit is the part of a systemd service unit the instance honours.
type Unit struct {
	Name string
	// Type: simple, exec, notify, forking (run in the background) or
	// oneshot (waited for).
	Type             string
	ExecStartPre     []string
	ExecStart        []string
	User, Group      string
	DynamicUser      bool
	Environment      []string // KEY=VALUE
	EnvironmentFiles []string // "-" prefix: optional
	WorkingDirectory string
	RuntimeDirectory []string
	// PathConditions: ConditionPathExists= values ("!" negates); the
	// unit is skipped unless all hold.
	PathConditions []string
}

// ReadUnit reads a unit file and its drop-ins (NAME.d/*.conf beside it and
// in /etc/systemd/system), later settings after earlier ones.
func ReadUnit(path string) (*Unit, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	u := &Unit{Name: name, Type: "simple"}
	u.parse(data)
	for _, dir := range []string{path + ".d", "/etc/systemd/system/" + name + ".d"} {
		dropins, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
		for _, d := range dropins {
			if data, err := os.ReadFile(d); err == nil {
				u.parse(data)
			}
		}
	}
	return u, nil
}

// parse applies the [Service] section of one file. Continuation lines end
// in a backslash; an empty value resets a list, as in systemd.
func (u *Unit) parse(data []byte) {
	section := ""
	s := bufio.NewScanner(bytes.NewReader(data))
	var line string
	for s.Scan() {
		text := strings.TrimSpace(s.Text())
		if strings.HasSuffix(text, "\\") {
			line += strings.TrimSuffix(text, "\\") + " "
			continue
		}
		line += text
		text, line = line, ""
		switch {
		case text == "" || text[0] == '#' || text[0] == ';':
		case text[0] == '[':
			section = strings.Trim(text, "[]")
		case section == "Unit" && strings.HasPrefix(text, "ConditionPathExists="):
			u.PathConditions = append(u.PathConditions, strings.TrimSpace(strings.TrimPrefix(text, "ConditionPathExists=")))
		case section == "Service":
			if k, v, ok := strings.Cut(text, "="); ok {
				u.set(strings.TrimSpace(k), strings.TrimSpace(v))
			}
		}
	}
}

func (u *Unit) set(key, value string) {
	list := map[string]*[]string{"ExecStartPre": &u.ExecStartPre, "ExecStart": &u.ExecStart,
		"EnvironmentFile": &u.EnvironmentFiles, "Environment": &u.Environment, "RuntimeDirectory": &u.RuntimeDirectory}
	if l, ok := list[key]; ok {
		switch {
		case value == "":
			*l = nil
		case key == "Environment":
			*l = append(*l, Words(value)...)
		case key == "RuntimeDirectory":
			*l = append(*l, strings.Fields(value)...)
		default:
			*l = append(*l, value)
		}
		return
	}
	switch key {
	case "Type":
		u.Type = value
	case "User":
		u.User = value
	case "Group":
		u.Group = value
	case "DynamicUser":
		u.DynamicUser = value == "yes" || value == "true" || value == "1" || value == "on"
	case "WorkingDirectory":
		u.WorkingDirectory = strings.TrimPrefix(value, "-")
	}
}
