// Command fakeplugin is a test-only Packer plugin: the real immutable-tfvars
// post-processor beside a builder "fakeebs" whose artifact has the shape of
// amazon-ebs' (builder ID mitchellh.amazonebs, Id "region:ami,…", generated
// data BuildRegion and SourceAMI). It lets the end-to-end test run real
// Packer through the plugin RPC without AWS. It lives in testdata, so it is
// never part of the shipped binary.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/plugin"

	"github.com/immutable-infrastructure/packer-plugin-immutable/post-processor/tfvars"
	"github.com/immutable-infrastructure/packer-plugin-immutable/version"
)

type builder struct{}

func (builder) ConfigSpec() hcldec.ObjectSpec { return hcldec.ObjectSpec{} }
func (builder) Prepare(...interface{}) ([]string, []string, error) {
	return []string{"BuildRegion", "SourceAMI"}, nil, nil
}
func (builder) Run(_ context.Context, ui packersdk.Ui, _ packersdk.Hook) (packersdk.Artifact, error) {
	ui.Say("fake bake of " + os.Getenv("FAKE_AMIS"))
	return artifact{}, nil
}

type artifact struct{}

func (artifact) BuilderId() string { return "mitchellh.amazonebs" }
func (artifact) Files() []string   { return nil }
func (artifact) Id() string        { return os.Getenv("FAKE_AMIS") }
func (artifact) String() string    { return "AMIs were created: " + os.Getenv("FAKE_AMIS") }
func (artifact) State(name string) interface{} {
	if name != "generated_data" {
		return nil
	}
	return map[string]interface{}{"BuildRegion": os.Getenv("FAKE_BUILD_REGION"), "SourceAMI": "ami-0aaaaaaaaaaaaaaaa"}
}

// Destroy records that Packer discarded the artifact (which, for a real
// AMI, would deregister it).
func (artifact) Destroy() error {
	return os.WriteFile(os.Getenv("FAKE_DESTROY_MARKER"), []byte("destroyed"), 0o644)
}

func main() {
	pps := plugin.NewSet()
	pps.RegisterBuilder("fakeebs", builder{})
	pps.RegisterPostProcessor("tfvars", new(tfvars.PostProcessor))
	pps.SetVersion(version.PluginVersion)
	if err := pps.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
