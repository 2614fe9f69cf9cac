package command

import (
	"bytes"
	"log"
	"os"
	"runtime/debug"
	"strings"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// TestDispatchFiltersThePluginsLog: when the command line is the plugin
// protocol's (not one of our subcommands), Dispatch returns with every log
// line of the process passing the secret filter, so a secret a component
// registered shows as <sensitive> in PACKER_LOG whatever logs it.
func TestDispatchFiltersThePluginsLog(t *testing.T) {
	args, gc := os.Args, debug.SetGCPercent(100)
	t.Cleanup(func() {
		os.Args = args
		debug.SetGCPercent(gc)
		log.SetOutput(os.Stderr)
		packersdk.LogSecretFilter.SetOutput(os.Stderr)
	})
	os.Args = []string{"packer-plugin-immutable", "start", "builder"}
	Dispatch()
	var out bytes.Buffer
	packersdk.LogSecretFilter.SetOutput(&out)
	// The filter is the process's: other tests of the package register
	// secrets too (moto's credentials "test"), which may mask part of this
	// line first. What matters is that the secret never shows.
	const secret = "zq9x-dispatch-k3y"
	packersdk.LogSecretFilter.Set(secret)
	log.Print("the secret is " + secret)
	if got := out.String(); strings.Contains(got, secret) || !strings.Contains(got, "the secret is <sensitive>") {
		t.Errorf("the plugin's log shows %q; want the secret masked", got)
	}
}
