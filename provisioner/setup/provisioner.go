// Package setup is the immutable-setup provisioner: it renders one POSIX sh
// program from a declarative configuration (packages, groups, users, files,
// scripts, image tests, sealing), uploads it and runs it once.
package setup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/logsecret"
)

// Provisioner implements packersdk.Provisioner.
type Provisioner struct {
	config Config
}

var _ packersdk.Provisioner = (*Provisioner)(nil)

// ConfigSpec returns the HCL2 spec generated from Config.
func (p *Provisioner) ConfigSpec() hcldec.ObjectSpec { return p.config.FlatMapstructure().HCL2Spec() }

// Prepare decodes and validates the configuration, reporting every
// problem at once.
func (p *Provisioner) Prepare(raws ...interface{}) error {
	err := config.Decode(&p.config, &config.DecodeOpts{
		PluginType:         "immutable-setup",
		Interpolate:        true,
		InterpolateContext: &p.config.ctx,
		InterpolateFilter:  &interpolate.RenderFilter{Exclude: []string{"execute_command"}},
	}, raws...)
	if err != nil {
		return fmt.Errorf("decoding the immutable-setup configuration: %w", err)
	}
	p.config.applyDefaults()
	return p.config.validate()
}

// Provision renders the program, uploads it with the files and scripts it
// needs into a private folder, runs it with execute_command and removes
// the folder again. When the program rebooted the machine (reboot = true),
// it waits for the machine to come back, uploads again and runs the
// program once more.
func (p *Provisioner) Provision(ctx context.Context, ui packersdk.Ui, comm packersdk.Communicator, generatedData map[string]interface{}) error {
	logsecret.Generated(generatedData) // the build's private key, a password: masked in this process's logs
	in, err := p.planInput(generatedData)
	if err != nil {
		return err
	}
	r := &runner{ui: ui, comm: comm}
	defer r.removeRunDir(in.RunDir)
	for {
		rebooted, err := p.runOnce(ctx, r, in, generatedData)
		if err != nil || !rebooted {
			return err
		}
		if err := r.awaitReboot(ctx, p.config.bootTimeout); err != nil {
			return err
		}
		in.Rebooted = true
	}
}

// planInput gathers what the plan needs from the machine running Packer
// (key files) and from Packer (the SSH user).
func (p *Provisioner) planInput(generatedData map[string]interface{}) (planInput, error) {
	in := planInput{RunDir: p.config.RemoteFolder + "/immutable-setup-" + randomSuffix()}
	in.SSHUser, _ = generatedData["User"].(string)
	if p.config.SSHClearAuthorizedKeys && in.SSHUser == "" {
		return in, fmt.Errorf("ssh_clear_authorized_keys: Packer gave no SSH user name (ssh_username) to clear the keys of; use an SSH communicator or remove the option")
	}
	for _, u := range p.config.Users {
		keys, err := userKeys(u)
		if err != nil {
			return in, err
		}
		in.UserKeys = append(in.UserKeys, keys)
	}
	return in, nil
}

// runOnce renders, stages and runs the program once; it reports whether
// the program stopped to reboot the machine.
func (p *Provisioner) runOnce(ctx context.Context, r *runner, in planInput, generatedData map[string]interface{}) (bool, error) {
	r.plan = buildPlan(&p.config, in)
	program, err := r.plan.render()
	if err != nil {
		return false, err
	}
	command, err := p.executeCommand(in.RunDir+"/setup.sh", generatedData)
	if err != nil {
		return false, err
	}
	r.ui.Say(fmt.Sprintf("Running the setup program: %d steps", len(r.plan.Steps)))
	log.Printf("[DEBUG] immutable-setup: program for %s:\n%s", in.RunDir, program)
	if err := r.stage(ctx, program); err != nil {
		return false, err
	}
	return r.run(ctx, command)
}

// executeCommand renders execute_command with the program's path and the
// environment variables.
func (p *Provisioner) executeCommand(path string, generatedData map[string]interface{}) (string, error) {
	data := map[string]interface{}{}
	for k, v := range generatedData {
		data[k] = v
	}
	data["Path"] = path
	data["Vars"] = envVars(p.config.PackerBuildName, p.config.PackerBuilderType, p.config.EnvironmentVars, p.config.Env)
	ictx := p.config.ctx
	ictx.Data = data
	command, err := interpolate.Render(p.config.ExecuteCommand, &ictx)
	if err != nil {
		return "", fmt.Errorf("execute_command: %w", err)
	}
	return command, nil
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
