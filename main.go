// Command packer-plugin-immutable is a Packer plugin (builder immutable-ami,
// provisioner immutable-setup, post-processor immutable-tfvars). Run with the
// subcommands history, rollback or promote it manages terraform.tfvars files.
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/hashicorp/packer-plugin-sdk/plugin"

	"github.com/immutable-infrastructure/packer-plugin-immutable/builder/ami"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/command"
	"github.com/immutable-infrastructure/packer-plugin-immutable/post-processor/tfvars"
	"github.com/immutable-infrastructure/packer-plugin-immutable/provisioner/setup"
	"github.com/immutable-infrastructure/packer-plugin-immutable/version"
)

// gcPercent trades memory for speed: this process's live heap is a few MB,
// so with Go's default (100) parsing a large tfvars file with hclsyntax
// spends half its time in the garbage collector. internal/tfvarsfile's
// benchmarks run with the same setting.
const gcPercent = 400

func main() {
	debug.SetGCPercent(gcPercent)
	// Our own subcommands first; everything else (describe, start …) is the
	// Packer plugin protocol, handled by the SDK.
	if code, handled := command.Run(os.Args[1:], os.Stdout, os.Stderr); handled {
		os.Exit(code)
	}

	pps := plugin.NewSet()
	pps.RegisterBuilder("ami", new(ami.Builder))
	pps.RegisterProvisioner("setup", new(setup.Provisioner))
	pps.RegisterPostProcessor("tfvars", new(tfvars.PostProcessor))
	pps.SetVersion(version.PluginVersion)
	if err := pps.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err.Error())
		os.Exit(1)
	}
}
