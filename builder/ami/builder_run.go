package ami

import (
	"context"
	"errors"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/multistep/commonsteps"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packerbuilderdata"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// Run runs the steps (builder.go) with one client cache for the build and
// turns the final state into the artifact or the build's error.
func (b *Builder) Run(ctx context.Context, ui packersdk.Ui, hook packersdk.Hook) (packersdk.Artifact, error) {
	region := b.config.RawRegion
	// One client per region for the whole build: every step and the
	// artifact share this cache.
	clients := awsaccess.NewClients(&b.config.AccessConfig)
	client, err := clients.EC2(ctx, region)
	if err != nil {
		return nil, err
	}
	state := new(multistep.BasicStateBag)
	statePut(state, stateUI, ui)
	statePut(state, stateHook, hook)
	(&packerbuilderdata.GeneratedData{State: state}).Put("BuildRegion", region)

	b.pace = ec2wait.NewPace()
	b.runner = commonsteps.NewRunner(b.steps(clients, client, runUUID()), b.config.PackerConfig, ui)
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
	return b.imageArtifact(state, clients), nil
}

// imageArtifact is Run's result: the AMIs in every region, or nil (no
// artifact) with skip_create_ami.
func (b *Builder) imageArtifact(state multistep.StateBag, clients *awsaccess.Clients) packersdk.Artifact {
	if a := newArtifact(state, forRegion[deleteImageEC2](clients)); a != nil {
		return a
	}
	return nil
}
