package ami

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/google/uuid"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/multistep/commonsteps"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packerbuilderdata"
)

// Builder is the immutable-ami builder: it bakes an AMI from a temporary
// EC2 instance and removes everything temporary afterwards.
type Builder struct {
	config Config
	runner multistep.Runner
	// httpClient is used for public IP detection (tests replace it).
	httpClient *http.Client
}

// generatedVars are the {{ build.* }} values the builder provides.
var generatedVars = []string{"BuildRegion", "SourceAMI", "SourceAMIName", "SourceAMIOwner", "SourceAMICreationDate"}

func (b *Builder) ConfigSpec() hcldec.ObjectSpec { return b.config.FlatMapstructure().HCL2Spec() }

func (b *Builder) Prepare(raws ...any) ([]string, []string, error) {
	if err := b.config.Prepare(raws...); err != nil {
		return nil, nil, err
	}
	return generatedVars, b.config.warnings(), nil
}

func (b *Builder) Run(ctx context.Context, ui packersdk.Ui, hook packersdk.Hook) (packersdk.Artifact, error) {
	region := b.config.RawRegion
	client, err := b.config.EC2(ctx, region)
	if err != nil {
		return nil, err
	}
	state := new(multistep.BasicStateBag)
	statePut(state, stateUI, ui)
	statePut(state, stateHook, hook)
	(&packerbuilderdata.GeneratedData{State: state}).Put("BuildRegion", region)

	buildUUID := runUUID()
	steps := append(b.steps(client, buildUUID), b.imageSteps(client, buildUUID)...)
	b.runner = commonsteps.NewRunner(steps, b.config.PackerConfig, ui)
	b.runner.Run(ctx, state)

	if err, ok := stateGet[error](state, stateError); ok {
		return nil, err
	}
	if _, cancelled := state.GetOk(multistep.StateCancelled); cancelled {
		return nil, errors.New("build was cancelled")
	}
	if _, halted := state.GetOk(multistep.StateHalted); halted {
		return nil, errors.New("build was halted")
	}
	return b.imageArtifact(state), nil
}

// steps lists the launch side of the build in order, up to the stopped
// instance; imageSteps (image_steps.go) follow. Cleanups run in reverse.
func (b *Builder) steps(client *ec2.Client, buildUUID string) []multistep.Step {
	c := &b.config
	tags := baseTags(buildUUID)
	name := "immutable-build-" + uuid.NewString()
	polling := c.PollingConfig.Options()
	debugKey := ""
	if c.PackerDebug {
		debugKey = fmt.Sprintf("ec2_%s.pem", c.PackerBuildName)
	}
	cache := newClientCache(c.EC2)
	cache.clients[c.RawRegion] = client
	return []multistep.Step{
		&StepPreValidate{EC2: client, Region: c.RawRegion, AMIName: c.AMIName,
			ForceDeregister: c.AMIForceDeregister, SkipCreateAMI: c.SkipCreateAMI,
			CopyRegions: c.CopyRegions(c.RawRegion), Clients: forRegion[describeImagesEC2](cache)},
		&StepSourceAMI{EC2: client, SourceAMI: c.SourceAMI, Filter: c.SourceAMIFilter, InstanceType: c.InstanceType},
		&StepNetworkInfo{EC2: client, VpcID: c.VpcID, SubnetID: c.SubnetID, SubnetFilter: c.SubnetFilter, InstanceType: c.InstanceType},
		&StepKeyPair{EC2: client, Comm: &c.Comm, Temporary: c.usesTemporaryKey(), Name: name,
			Region: c.RawRegion, Tags: tags, DebugKeyPath: debugKey},
		&StepSecurityGroup{EC2: client, GroupIDs: c.SecurityGroupIDs, GroupFilter: c.SecurityGroupFilter,
			SourceCIDRs: c.TemporarySGSourceCidrs, DetectURL: c.PublicIPDetectionURL, HTTPClient: b.httpClient,
			SSHPort: c.Comm.SSHPort, Name: name, Region: c.RawRegion, Tags: tags, Polling: polling},
		&StepRunInstance{EC2: client, Launch: c.launchSpec(tags), Region: c.RawRegion, Polling: polling},
		&communicator.StepConnect{Config: &c.Comm, Host: hostFromState, SSHConfig: c.Comm.SSHConfigFunc()},
		&commonsteps.StepProvision{},
		&StepRemoveTempKey{PublicKey: func() []byte { return tempPublicKey(c) }},
		&StepStopInstance{EC2: client, Polling: polling},
	}
}

// hostFromState is communicator.StepConnect's Host: the address
// StepRunInstance chose (ssh_host, or per ssh_interface).
func hostFromState(state multistep.StateBag) (string, error) {
	h, ok := stateGet[string](state, stateSSHHost)
	if !ok || h == "" {
		return "", errors.New("no address to SSH to yet")
	}
	return h, nil
}

// tempPublicKey is the temporary key to remove from authorized_keys, or
// nil when the template brought its own key.
func tempPublicKey(c *Config) []byte {
	if !c.usesTemporaryKey() {
		return nil
	}
	return c.Comm.SSHPublicKey
}

// launchSpec gathers what the template says about the build instance.
func (c *Config) launchSpec(tags map[string]string) LaunchSpec {
	return LaunchSpec{
		InstanceType: c.InstanceType, RunTags: c.RunTags, Tags: tags,
		BlockDevices: c.LaunchMappings, AssociatePublicIP: c.AssociatePublicIPAddress,
		IAMInstanceProfile: c.IAMInstanceProfile, UserData: c.UserData, UserDataFile: c.UserDataFile,
		Metadata: c.Metadata, ShutdownBehavior: c.InstanceInitiatedShutdownBehavior,
		SSHInterface: c.SSHInterface, SSHHost: c.Comm.SSHHost, Ctx: c.ctx,
	}
}
