//go:generate go tool packer-sdc mapstructure-to-hcl2 -type Config,Group,User,File,Verify
//go:generate go tool packer-sdc struct-markdown

package setup

import (
	"time"

	"github.com/hashicorp/packer-plugin-sdk/common"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"
)

// Config is the configuration of the immutable-setup provisioner. It says
// what the image contains; the provisioner renders one POSIX sh program
// from it, uploads it once and runs it once.
type Config struct {
	common.PackerConfig `mapstructure:",squash"`

	// Packages to install with the machine's package manager (apt-get, dnf
	// or yum, detected on the machine). Packages already installed are
	// skipped, so a second run downloads nothing.
	Packages []string `mapstructure:"packages"`
	// Upgrade every installed package first (apt-get dist-upgrade keeping
	// existing configuration files, then autoremove, which takes old kernels
	// once the new one runs; or dnf/yum upgrade). Phased updates are always
	// included, so two builds of the same template get the same packages,
	// and needrestart restarts no service mid-build. Defaults to false.
	Upgrade bool `mapstructure:"upgrade"`
	// Reboot after the packages step when the machine says it needs one
	// (`/var/run/reboot-required` after a new kernel or libc on
	// Debian/Ubuntu; `needs-restarting -r` on dnf/yum systems), wait for it
	// to come back (up to boot_timeout), and run the program again from the
	// start (every step is idempotent; the second run reboots no more). The
	// SSH connection is re-established as Packer's shell provisioner does
	// with expect_disconnect. Defaults to false.
	Reboot bool `mapstructure:"reboot"`
	// How long to wait, before anything changes, for the machine to finish
	// booting: cloud-init's stages (`cloud-init status --wait`, or
	// /var/lib/cloud/instance/boot-finished with a cloud-init too old for
	// it) and apt's daily jobs already running (apt-daily,
	// unattended-upgrades); with `reboot`, also how long the machine may
	// take to come back. `0s` skips these waits. Defaults to `10m`.
	BootTimeout string `mapstructure:"boot_timeout"`
	// Groups to create. Written as `group { name = "hashicorp" system = true }`
	// blocks (HCL block labels are not supported by Packer's plugin SDK).
	Groups []Group `mapstructure:"group"`
	// Users to create or update. Written as `user { name = "terraform" ... }`
	// blocks.
	Users []User `mapstructure:"user"`
	// Files to upload and install with a mode and an owner.
	Files []File `mapstructure:"file"`
	// Shell commands run as one script, after the files are installed and
	// the scripts have run.
	Inline []string `mapstructure:"inline"`
	// Path of a local shell script to upload and run. Its shebang line is
	// honoured; without one it runs with /bin/sh.
	Script string `mapstructure:"script"`
	// Paths of local shell scripts to upload and run in order.
	Scripts []string `mapstructure:"scripts"`
	// Environment variables (`KEY=value`) set for the setup program and the
	// scripts it runs.
	EnvironmentVars []string `mapstructure:"environment_vars"`
	// Environment variables as a map; they override environment_vars.
	Env map[string]string `mapstructure:"env"`
	// The command that runs the uploaded setup program. `{{.Path}}` is the
	// program's remote path and `{{.Vars}}` the environment variables.
	// Defaults to `sudo -n env {{.Vars}} /bin/sh {{.Path}}`, so the program
	// runs as root (and fails at once if sudo would ask for a password).
	ExecuteCommand string `mapstructure:"execute_command"`
	// Remote folder in which a private working directory is created for the
	// program, the scripts and the files; removed afterwards. Defaults to
	// `/tmp`.
	RemoteFolder string `mapstructure:"remote_folder"`
	// Image tests that must pass before the image is sealed. A failing check
	// fails the build with the check's name and output.
	Verify []Verify `mapstructure:"verify"`
	// Make every instance of the image unique and leave nothing of the
	// build in it: remove SSH host keys, empty /etc/machine-id, remove
	// cloud-init state (/var/lib/cloud), the systemd random seed, apt lists,
	// /tmp and /var/tmp, shell history and logs, and remove the logs again
	// when the instance stops (what sshd, sudo and the shutdown log after
	// the seal). Defaults to true. Put this provisioner last. The builder's
	// temporary SSH key is removed by the builder (immutable-ami) or by
	// ssh_clear_authorized_keys.
	Seal *bool `mapstructure:"seal"`
	// When sealing, empty the authorized_keys of the user the build logged
	// in as (Packer's ssh_username), keeping only keys this provisioner
	// declares for that user, and drop the same keys from root's
	// authorized_keys. Otherwise the key the build connected with (an EC2
	// key pair, ssh_keypair_name, ssh_private_key_file, or amazon-ebs's
	// temporary key) stays trusted by every instance of the image; cloud-init
	// installs each instance's own key pair at its first boot. Named like
	// amazon-ebs's option, which removes only its temporary key. Defaults to
	// false.
	SSHClearAuthorizedKeys bool `mapstructure:"ssh_clear_authorized_keys"`

	ctx         interpolate.Context
	bootTimeout time.Duration
}

// Group is a group to create.
type Group struct {
	// Name of the group.
	Name string `mapstructure:"name" required:"true"`
	// Create a system group (a GID below 1000). Defaults to false.
	System bool `mapstructure:"system"`
}

// User is a user account to create or update.
type User struct {
	// Login name.
	Name string `mapstructure:"name" required:"true"`
	// Supplementary groups the user is added to; they must exist (declare
	// them with `group` blocks or install the package that creates them).
	Groups []string `mapstructure:"groups"`
	// Login shell, for example `/bin/bash`. Defaults to the system's default.
	Shell string `mapstructure:"shell"`
	// Home directory (created). Defaults to `/home/<name>`.
	Home string `mapstructure:"home"`
	// Let the user run any command with sudo without a password, through a
	// file in /etc/sudoers.d checked with `visudo -cf` before it is installed.
	SudoNopasswd bool `mapstructure:"sudo_nopasswd"`
	// Extra sudoers rules for this user, each written as `<name> <rule>`,
	// for example `ALL=(root) NOPASSWD: /usr/bin/systemctl`. Checked with
	// `visudo -cf` before anything on the machine changes.
	SudoRules []string `mapstructure:"sudo_rules"`
	// SSH public keys added to ~/.ssh/authorized_keys (directory 700, file
	// 600, owned by the user). Keys already present are kept.
	AuthorizedKeys []string `mapstructure:"authorized_keys"`
	// Local files (on the machine running Packer) holding SSH public keys,
	// one per line, added like authorized_keys.
	AuthorizedKeyFiles []string `mapstructure:"authorized_key_files"`
}

// File is a file uploaded through the communicator and installed.
type File struct {
	// Local file to upload. Exactly one of source and content is required.
	Source string `mapstructure:"source"`
	// Content of the file, instead of source.
	Content *string `mapstructure:"content"`
	// Absolute path on the machine; missing parent folders are created.
	Destination string `mapstructure:"destination" required:"true"`
	// Octal mode such as `0644` (the default) or `0600`.
	Mode string `mapstructure:"mode"`
	// Owner as `user` or `user:group`. Defaults to root.
	Owner string `mapstructure:"owner"`
}

// Verify is an image test run before sealing.
type Verify struct {
	// Name of the check, shown in progress and in the error when it fails.
	Name string `mapstructure:"name" required:"true"`
	// Shell command (run as root with /bin/sh -c) that must exit 0.
	Command string `mapstructure:"command" required:"true"`
}
