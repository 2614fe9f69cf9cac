package roottest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// State describes where the imitation stands, for the log of a test that
// failed: its files under /run/ubuntu-imitation (unit states, queued jobs,
// the timers' answers, markers such as cloud-init-locks-held, its log),
// cloud-init's status and result, the apt jobs that ran, and the processes
// in the root (a stuck wait shows as, say, two hold-locks on the same lock).
func (u *Ubuntu) State() string {
	var b strings.Builder
	run := u.Path("run/ubuntu-imitation")
	_ = filepath.WalkDir(run, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(u.Root, p)
		writeFile(&b, "/"+rel, p)
		return nil
	})
	// /run/cloud-init links into /var/lib/cloud/data: read them in the root.
	for _, f := range []string{
		"var/lib/cloud/data/status.json", "var/lib/cloud/data/result.json",
		"var/lib/cloud/instance/boot-finished", "var/lib/localcloud/apt-jobs.log",
	} {
		writeFile(&b, "/"+f, u.Path(f))
	}
	b.WriteString("processes in the root (PID, process group, command):\n")
	for _, pid := range processesIn(u.Root) {
		b.WriteString("  " + describeProcess(pid) + "\n")
	}
	return b.String()
}

// writeFile adds a file of the root to b: its content (the end of a long
// one), "(empty)", or "(missing)".
func writeFile(b *strings.Builder, name, path string) {
	data, err := os.ReadFile(path)
	switch {
	case err != nil:
		fmt.Fprintf(b, "%s: (missing)\n", name)
	case len(data) == 0:
		fmt.Fprintf(b, "%s: (empty)\n", name)
	default:
		const most = 4000
		if len(data) > most {
			data = append([]byte("..."), data[len(data)-most:]...)
		}
		fmt.Fprintf(b, "%s:\n  %s\n", name, strings.ReplaceAll(strings.TrimRight(string(data), "\n"), "\n", "\n  "))
	}
}

// describeProcess is "PID PGID command line" of a process.
func describeProcess(pid int) string {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	stat, _ := os.ReadFile(filepath.Join(dir, "stat"))
	pgid := "?"
	// "pid (comm) state ppid pgrp ...": comm may hold blanks; split after it.
	if i := strings.LastIndexByte(string(stat), ')'); i >= 0 {
		if fields := strings.Fields(string(stat[i+1:])); len(fields) >= 3 {
			pgid = fields[2]
		}
	}
	cmdline, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
	return fmt.Sprintf("%d %s %s", pid, pgid, strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " ")))
}
