package command

import (
	"log"
	"os"
	"runtime/debug"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// gcPercent trades memory for speed: this process's live heap is a few MB,
// so with Go's default (100) parsing a large tfvars file with hclsyntax
// spends half its time in the garbage collector. internal/tfvarsfile's
// benchmarks run with the same setting.
const gcPercent = 400

// Dispatch is the first thing the plugin binary does: it sets the process's
// GC target and, when the command line names one of our subcommands
// (history, rollback, promote, help), runs it and exits. Otherwise it
// returns, and main hands the command line (describe, start …) to the
// Packer plugin protocol.
func Dispatch() {
	debug.SetGCPercent(gcPercent)
	// Every log line of this process passes the SDK's secret filter, so
	// the secrets components register (internal/logsecret) never reach
	// PACKER_LOG: Packer core filters its own log, but the SDK routes no
	// plugin's log through the plugin's filter.
	packersdk.LogSecretFilter.SetOutput(os.Stderr)
	log.SetOutput(&packersdk.LogSecretFilter)
	if code, handled := Run(os.Args[1:], os.Stdout, os.Stderr); handled {
		os.Exit(code)
	}
}
