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
	packersdk.LogSecretFilter.Set("dispatch-test-secret")
	log.Print("the secret is dispatch-test-secret")
	if got := out.String(); !strings.Contains(got, "the secret is <sensitive>") {
		t.Errorf("the plugin's log shows %q; want the secret masked", got)
	}
}
