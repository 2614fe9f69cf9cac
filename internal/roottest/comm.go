package roottest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// Comm is a packersdk.Communicator for a root folder: commands run as root
// with `chroot Dir /bin/sh -c`, files are read and written inside Dir
// (symlinks cannot lead out of it).
type Comm struct {
	Dir string
	// Commands records every command started, in order.
	Commands []string
}

var _ packersdk.Communicator = (*Comm)(nil)

// Start runs the command in the root and reports its exit status when done.
func (c *Comm) Start(ctx context.Context, rc *packersdk.RemoteCmd) error {
	c.Commands = append(c.Commands, rc.Command)
	cmd := exec.CommandContext(ctx, "chroot", c.Dir, "/bin/sh", "-c", rc.Command)
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C"}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = rc.Stdin, rc.Stdout, rc.Stderr
	cmd.Dir = c.Dir
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("chroot %s: %w", c.Dir, err)
	}
	go func() {
		err := cmd.Wait()
		var exit *exec.ExitError
		switch {
		case err == nil:
			rc.SetExited(0)
		case errors.As(err, &exit):
			rc.SetExited(exit.ExitCode())
		default:
			rc.SetExited(packersdk.CmdDisconnect)
		}
	}()
	return nil
}

// rel turns an absolute path on the machine into one relative to the root.
func rel(path string) string {
	return strings.TrimPrefix(filepath.Clean("/"+path), "/")
}

// Upload writes a file (mode 0644) like scp does: the folder must exist.
func (c *Comm) Upload(path string, r io.Reader, _ *os.FileInfo) error {
	root, err := os.OpenRoot(c.Dir)
	if err != nil {
		return err
	}
	defer root.Close()
	f, err := root.OpenFile(rel(path), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// UploadDir copies the contents of src (a trailing slash) or src itself
// into dst, like rsync.
func (c *Comm) UploadDir(dst, src string, exclude []string) error {
	if !strings.HasSuffix(src, "/") {
		dst = filepath.Join(dst, filepath.Base(src))
	}
	return filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		r, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, r)
		if info.IsDir() {
			root, err := os.OpenRoot(c.Dir)
			if err != nil {
				return err
			}
			defer root.Close()
			return root.MkdirAll(rel(target), 0o755)
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return c.Upload(target, f, nil)
	})
}

// Download copies a file of the root into w.
func (c *Comm) Download(path string, w io.Writer) error {
	root, err := os.OpenRoot(c.Dir)
	if err != nil {
		return err
	}
	defer root.Close()
	f, err := root.Open(rel(path))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// DownloadDir is not needed by the project's provisioners.
func (c *Comm) DownloadDir(string, string, []string) error {
	return errors.New("roottest.Comm: DownloadDir is not implemented")
}
