// Command localcloud is the local cloud's daemon and its instances' init:
//
//	localcloud serve -dir DIR -moto URL -base-root DIR -amis FILE -apt DIR -boot SCRIPT
//	localcloud init     (PID 1 of an instance; started by instance/boot.sh)
//	localcloud watch -endpoint URL -old ID -port 8080
//
// localcloud/up.sh builds and starts it; see localcloud/README.md. Test and
// demo support only: never part of the plugin.
package main

import (
	"fmt"
	"os"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/instanceinit"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: localcloud serve|init|watch [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "init":
		instanceinit.Run()
	case "watch":
		err = watch(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want serve, init or watch", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "localcloud:", err)
		os.Exit(1)
	}
}
