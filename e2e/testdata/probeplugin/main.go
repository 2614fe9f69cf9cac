// Command probeplugin is a test-only Packer plugin with one provisioner,
// probe-capture, that writes the build's temporary SSH private key (from
// the build data the SDK hands every provisioner) to $PROBE_KEY_FILE and
// logs nothing. The secrets test then knows which key to look for in the
// logs of a real build. It lives in testdata, never in a shipped binary.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/plugin"

	"github.com/immutable-infrastructure/packer-plugin-immutable/version"
)

type capture struct{}

func (capture) ConfigSpec() hcldec.ObjectSpec { return hcldec.ObjectSpec{} }
func (capture) Prepare(...interface{}) error  { return nil }
func (capture) Provision(_ context.Context, _ packersdk.Ui, _ packersdk.Communicator, data map[string]interface{}) error {
	key, _ := data["SSHPrivateKey"].(string)
	if key == "" {
		return errors.New("probe-capture: the build data holds no SSHPrivateKey")
	}
	return os.WriteFile(os.Getenv("PROBE_KEY_FILE"), []byte(key), 0o600)
}

func main() {
	pps := plugin.NewSet()
	pps.RegisterProvisioner("capture", capture{})
	pps.SetVersion(version.PluginVersion)
	if err := pps.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
