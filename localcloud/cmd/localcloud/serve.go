package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloud"
)

// serve runs the cloud until SIGTERM or SIGINT, then stops every instance.
// Once it listens it writes DIR/localcloud.env: ENDPOINT (the EC2 endpoint
// for cloud.env) and SSH_PORT.
func serve(args []string) error {
	cfg, strict, err := serveConfig(args)
	if err != nil {
		return err
	}
	cloud := localcloud.New(cfg)
	handler, proxy := cloud.Handler()
	if strict {
		// EC2's refusals right after a create, throttling and 5xx bursts
		// (ec2proxy.Strict): what a build meets on a real account.
		proxy.SetFaults(ec2proxy.Strict())
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	endpoint := "http://" + l.Addr().String()
	if err := writeEnv(filepath.Join(cfg.Dir, "localcloud.env"), endpoint, cfg.SSHPort); err != nil {
		return err
	}
	cfg.Log.Printf("EC2 endpoint %s in front of moto %s; instances' SSH on port %d", endpoint, cfg.MotoURL, cfg.SSHPort)
	srv := &http.Server{Handler: handler}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		cfg.Log.Printf("stopping every instance")
		cloud.Shutdown()
		_ = srv.Close()
	}()
	if err := srv.Serve(l); err != http.ErrServerClosed {
		return err
	}
	cfg.Log.Printf("stopped")
	return nil
}

// serveConfig reads serve's flags into the cloud's configuration, and
// whether EC2 is to be strict (-strict, on unless -strict=false).
func serveConfig(args []string) (localcloud.Config, bool, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dir := fs.String("dir", "", "the cloud's folder")
	moto := fs.String("moto", "", "moto's endpoint URL")
	base := fs.String("base-root", "", "the unpacked Debian root (disk of the images in -amis)")
	amis := fs.String("amis", "", "moto's seed image list (localcloud/amis.json)")
	apt := fs.String("apt", "", "the local apt mirror (tools/apt-mirror.sh)")
	boot := fs.String("boot", "", "localcloud/instance/boot.sh")
	strict := fs.Bool("strict", true, "answer as EC2 does right after creates, with throttling and 5xx bursts (ec2proxy.Strict)")
	if err := fs.Parse(args); err != nil {
		return localcloud.Config{}, false, err
	}
	if *dir == "" || *moto == "" || *base == "" || *amis == "" || *apt == "" || *boot == "" {
		return localcloud.Config{}, false, fmt.Errorf("serve needs -dir, -moto, -base-root, -amis, -apt and -boot")
	}
	self, err := os.Executable()
	if err != nil {
		return localcloud.Config{}, false, err
	}
	baseImages, err := localcloud.BaseImages(*amis)
	if err != nil {
		return localcloud.Config{}, false, err
	}
	sshPort, err := localcloud.SSHPort()
	if err != nil {
		return localcloud.Config{}, false, err
	}
	return localcloud.Config{Dir: *dir, MotoURL: *moto, BaseRoot: *base, BaseImages: baseImages, AptMirror: *apt,
		BootScript: *boot, Init: self, SSHPort: sshPort, Log: log.New(os.Stderr, "", log.LstdFlags|log.Lmicroseconds)}, *strict, nil
}

func writeEnv(path, endpoint string, sshPort int) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(fmt.Sprintf("ENDPOINT=%s\nSSH_PORT=%d\n", endpoint, sshPort)), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
