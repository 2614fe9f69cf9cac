//go:generate go tool packer-sdc mapstructure-to-hcl2 -type Config
//go:generate go tool packer-sdc struct-markdown

package ami

import (
	"fmt"
	"text/template"

	"github.com/hashicorp/packer-plugin-sdk/common"
	"github.com/hashicorp/packer-plugin-sdk/communicator"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
)

// BuilderID identifies artifacts of this builder to post-processors.
const BuilderID = "immutable.ami"

// Config is the whole `source "immutable-ami"` block. The embedded structs'
// attributes all sit at the top level of the block, as in amazon-ebs.
type Config struct {
	common.PackerConfig    `mapstructure:",squash"`
	awsaccess.AccessConfig `mapstructure:",squash"`
	RunConfig              `mapstructure:",squash"`
	LaunchConfig           `mapstructure:",squash"`
	AMIConfig              `mapstructure:",squash"`
	InstanceProfileConfig  `mapstructure:",squash"`
	SessionManagerConfig   `mapstructure:",squash"`
	LineageConfig          `mapstructure:",squash"`
	ImageSharingConfig     `mapstructure:",squash"`
	ImageFeaturesConfig    `mapstructure:",squash"`
	WindowsOptions         `mapstructure:",squash"`
	// How waits for the instance and images poll. See PollingConfig.
	PollingConfig *PollingConfig `mapstructure:"aws_polling" required:"false"`
	// Reuse the image an earlier build made from the same inputs instead of
	// baking it again. See ReuseConfig.
	Reuse *ReuseConfig `mapstructure:"reuse" required:"false"`
	// The SSH settings (ssh_username, ssh_host, ssh_port, ssh_timeout …)
	// of Packer's communicator.
	Comm communicator.Config `mapstructure:",squash"`

	ctx   interpolate.Context
	warns []string
}

// templatedLater are attributes rendered at build time, once the source
// image is known, so `{{ .SourceAMI }}` and friends resolve.
var templatedLater = []string{"ami_description", "run_tags", "run_tag", "run_volume_tags", "run_volume_tag",
	"tags", "tag", "snapshot_tags", "snapshot_tag", "spot_tags", "spot_tag", "fleet_tags", "fleet_tag"}

// templateFuncs are the template functions amazon-ebs adds, so legacy JSON
// templates port: clean_resource_name makes any text a valid AMI name.
var templateFuncs = template.FuncMap{"clean_resource_name": cleanResourceName}

// Prepare decodes raws into c, fills defaults and validates everything,
// returning every problem at once.
func (c *Config) Prepare(raws ...any) error {
	c.ctx.Funcs = templateFuncs
	err := config.Decode(c, &config.DecodeOpts{
		PluginType:         BuilderID,
		Interpolate:        true,
		InterpolateContext: &c.ctx,
		InterpolateFilter:  &interpolate.RenderFilter{Exclude: templatedLater},
	}, raws...)
	if err != nil {
		return err
	}
	if c.PackerForce {
		c.AMIForceDeregister = true // packer build -force, as in amazon-ebs
	}
	var errs *packersdk.MultiError
	add := func(es []error) { errs = packersdk.MultiErrorAppend(errs, es...) }
	add(c.AccessConfig.Prepare())
	add(c.RunConfig.Prepare())
	launchErrs, launchWarns := c.LaunchConfig.Prepare(c.instanceTypes())
	add(launchErrs)
	c.warns = launchWarns
	add(c.AMIConfig.Prepare(&c.ctx, c.SkipRegionValidation))
	add(c.LineageConfig.Prepare(c.AMITags, c.SnapshotTags))
	add(c.AMIConfig.prepareSkipBuildRegion(c.RawRegion))
	add(c.ImageSharingConfig.Prepare(c.encryptedWithDefaultKey(c.RawRegion)))
	add(c.ImageFeaturesConfig.Prepare())
	add(c.WindowsOptions.Prepare(&c.Comm))
	c.warns = append(c.warns, c.copyLimitWarnings()...)
	if c.PollingConfig != nil {
		add(c.PollingConfig.Prepare())
	}
	if c.Reuse != nil {
		add(c.Reuse.Prepare(c.SkipCreateAMI, c.SkipSaveBuildRegion))
	}
	add(c.prepareComm())
	add(c.InstanceProfileConfig.Prepare(c.IAMInstanceProfile))
	add(c.spotConflicts())
	add(c.SessionManagerConfig.Prepare(c.SSHInterface, c.hasInstanceProfile(), &c.Comm, c.TemporarySGSourceCidrs))
	if errs != nil && len(errs.Errors) > 0 {
		return errs
	}
	return nil
}

// prepareComm validates the communicator and the temporary key pair: SSH,
// or none for images set up by user_data alone (winrm is refused, with the
// reason, by WindowsOptions).
func (c *Config) prepareComm() []error {
	if c.Comm.Type == "" {
		c.Comm.Type = "ssh"
	}
	switch c.Comm.Type {
	case "ssh", "none":
	case "winrm":
		return nil
	default:
		return []error{fmt.Errorf("communicator %q is not supported: immutable-ami connects with \"ssh\" (or \"none\")", c.Comm.Type)}
	}
	var errs []error
	if c.Comm.SSHKeyPairName != "" && c.Comm.SSHPrivateKeyFile == "" && !c.Comm.SSHAgentAuth {
		errs = append(errs, fmt.Errorf("ssh_keypair_name %q needs the key's private half to connect: "+
			"set ssh_private_key_file, or ssh_agent_auth = true", c.Comm.SSHKeyPairName))
	}
	errs = append(errs, c.Comm.Prepare(&c.ctx)...)
	return append(errs, prepareTemporaryKey(&c.Comm, c.usesTemporaryKey())...)
}

// hasInstanceProfile reports whether the build instance gets an instance
// profile: a named one or one made for the build.
func (c *Config) hasInstanceProfile() bool {
	return c.IAMInstanceProfile != "" || c.TemporaryIAMInstanceProfilePolicyDocument != nil
}

// usesSessionManager reports whether SSH goes through a Session Manager
// tunnel instead of to one of the instance's addresses.
func (c *Config) usesSessionManager() bool { return c.SSHInterface == sessionManager }

// warnings are Prepare's non-fatal findings.
func (c *Config) warnings() []string {
	return append(append(c.RunConfig.warnings(), c.warns...), c.LaunchConfig.warnings()...)
}

// usesTemporaryKey reports whether the build creates its own key pair: it
// does unless the template brings a private key, agent or password, or does
// not connect at all.
func (c *Config) usesTemporaryKey() bool {
	return c.Comm.Type != "none" && c.Comm.SSHPrivateKeyFile == "" && !c.Comm.SSHAgentAuth && c.Comm.SSHPassword == ""
}

// sshPort is the port the temporary security group opens: none without a
// communicator.
func (c *Config) sshPort() int {
	if c.Comm.Type == "none" {
		return 0
	}
	return c.Comm.SSHPort
}

// imageRunTags are the run_tags the AMI gets too (skip_ami_run_tags =
// false), or nil.
func (c *Config) imageRunTags() map[string]string {
	if c.runTagsOnImage() {
		return c.RunTags
	}
	return nil
}

// InterpolateContext is the template context for attributes rendered at
// build time (tags, description); callers set Data to the generated data.
func (c *Config) InterpolateContext() interpolate.Context { return c.ctx }
