// Package command implements the plugin binary's own subcommands (history,
// rollback, promote), which manage terraform.tfvars files outside a Packer
// build. Anything else on the command line belongs to the Packer plugin
// protocol (describe, start …) and is left to the SDK.
package command

import (
	"io"
)

// Run runs the subcommand named by args[0]. handled is false when args do not
// name one of our subcommands, so main falls through to the plugin protocol.
func Run(args []string, stdout, stderr io.Writer) (code int, handled bool) {
	if len(args) == 0 {
		return 0, false
	}
	return 0, false
}
