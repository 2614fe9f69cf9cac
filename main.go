// Command packer-plugin-immutable is a Packer plugin (builder immutable-ami,
// provisioner immutable-setup, post-processor and data source
// immutable-tfvars). Run with the subcommands history, rollback, promote or
// prune it manages terraform.tfvars files, SSM channels and images
// (internal/command).
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/packer-plugin-sdk/plugin"

	"github.com/immutable-infrastructure/packer-plugin-immutable/builder/ami"
	tfvarsdata "github.com/immutable-infrastructure/packer-plugin-immutable/datasource/tfvars"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/command"
	"github.com/immutable-infrastructure/packer-plugin-immutable/post-processor/tfvars"
	"github.com/immutable-infrastructure/packer-plugin-immutable/provisioner/setup"
	"github.com/immutable-infrastructure/packer-plugin-immutable/version"
)

func main() {
	command.Dispatch() // our subcommands run and exit here

	pps := plugin.NewSet()
	pps.RegisterBuilder("ami", new(ami.Builder))
	pps.RegisterProvisioner("setup", new(setup.Provisioner))
	pps.RegisterPostProcessor("tfvars", new(tfvars.PostProcessor))
	pps.RegisterDatasource("tfvars", new(tfvarsdata.Datasource))
	pps.SetVersion(version.PluginVersion)
	if err := pps.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err.Error())
		os.Exit(1)
	}
}
