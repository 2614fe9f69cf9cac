package lineage

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// gitTimeout bounds each git command: a lineage tag is not worth a hung
// build.
const gitTimeout = 10 * time.Second

// Git describes the template folder dir for the Template, GitCommit and
// GitDirty tags: the folder relative to its work tree's root and the
// commit checked out there, or only the folder's base name when dir is not
// in a git work tree (or git is not installed).
func Git(ctx context.Context, dir string) (template, commit string, dirty *bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return filepath.Base(dir), "", nil
	}
	template = filepath.Base(abs)
	top, err := git(ctx, abs, "rev-parse", "--show-toplevel")
	if err != nil {
		return template, "", nil
	}
	if rel, err := filepath.Rel(realPath(top), realPath(abs)); err == nil {
		template = filepath.ToSlash(rel)
	}
	commit, err = git(ctx, abs, "rev-parse", "--verify", "HEAD")
	if err != nil {
		return template, "", nil // a repository without commits yet
	}
	status, err := git(ctx, abs, "status", "--porcelain")
	if err != nil {
		return template, commit, nil
	}
	d := status != ""
	return template, commit, &d
}

func git(ctx context.Context, dir string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var out bytes.Buffer
	cmd.Stdout = &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}

// realPath resolves symlinks, so that git's top level and dir compare
// alike (e.g. /tmp on macOS).
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}
