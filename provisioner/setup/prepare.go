package setup

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

const (
	// sudo -n fails at once, with a message, where a password would be asked.
	defaultExecuteCommand = "sudo -n env {{.Vars}} /bin/sh {{.Path}}"
	// defaultBootTimeout bounds each wait for boot-time work (cloud-init,
	// apt's daily jobs) and a reboot; EC2 boots take well under a minute,
	// unattended-upgrades at first boot can take several.
	defaultBootTimeout = "10m"
)

var (
	// POSIX portable names, as useradd and groupadd accept them by default.
	accountName = regexp.MustCompile(`^[a-z_][a-z0-9_.-]{0,31}$`)
	// Package names (with an optional =version) never need quoting, so the
	// program may split a list of them on blanks.
	packageName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9+._:=~-]*$`)
	octalMode   = regexp.MustCompile(`^0?[0-7]{3}$`)
	envName     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// remote_folder is pasted into execute_command unquoted, like Packer's
	// shell provisioner does with {{.Path}}.
	safePath = regexp.MustCompile(`^/[A-Za-z0-9_./-]*$`)
)

// applyDefaults fills in unset options.
func (c *Config) applyDefaults() {
	if c.ExecuteCommand == "" {
		c.ExecuteCommand = defaultExecuteCommand
	}
	if c.RemoteFolder == "" {
		c.RemoteFolder = "/tmp"
	}
	if c.BootTimeout == "" {
		c.BootTimeout = defaultBootTimeout
	}
	if c.Script != "" {
		c.Scripts = append([]string{c.Script}, c.Scripts...)
	}
	for i := range c.Files {
		if c.Files[i].Mode == "" {
			c.Files[i].Mode = "0644"
		}
	}
}

// validate reports every problem in the configuration, each naming the
// attribute and the fix.
func (c *Config) validate() error {
	var errs *packersdk.MultiError
	add := func(format string, args ...any) {
		errs = packersdk.MultiErrorAppend(errs, fmt.Errorf(format, args...))
	}
	for _, p := range c.Packages {
		if !packageName.MatchString(p) {
			add("packages: %q is not a package name; use names such as \"curl\" or \"curl=7.88.1-10\"", p)
		}
	}
	for i, g := range c.Groups {
		if g.Name == "" {
			add("group[%d].name: required; set name = \"hashicorp\"", i)
		} else if !accountName.MatchString(g.Name) {
			add("group[%d].name: %q is not a valid group name; use lower-case letters, digits, '_', '-' or '.', starting with a letter", i, g.Name)
		}
	}
	for i, u := range c.Users {
		validateUser(add, i, u)
	}
	for i, f := range c.Files {
		validateFile(add, i, f)
	}
	for _, s := range c.Scripts {
		if err := isRegularFile(s); err != nil {
			add("script/scripts: %s; give the path of a shell script on this machine", err)
		}
	}
	validateEnv(add, c.EnvironmentVars, c.Env)
	if !safePath.MatchString(c.RemoteFolder) {
		add("remote_folder: %q must be an absolute path of letters, digits, '_', '-', '.' and '/'", c.RemoteFolder)
	}
	validateBootAndSeal(add, c)
	for i, v := range c.Verify {
		if strings.TrimSpace(v.Name) == "" {
			add("verify[%d].name: required; name the check, e.g. name = \"sshd config is valid\"", i)
		}
		if strings.TrimSpace(v.Command) == "" {
			add("verify[%d].command: required; give a shell command that exits 0 when the image is right", i)
		}
	}
	if errs != nil {
		return errs
	}
	return nil
}

func validateUser(add func(string, ...any), i int, u User) {
	if u.Name == "" {
		add("user[%d].name: required; set name = \"terraform\" (the login name)", i)
	} else if !accountName.MatchString(u.Name) {
		add("user[%d].name: %q is not a valid user name; use lower-case letters, digits, '_', '-' or '.', starting with a letter", i, u.Name)
	}
	for _, g := range u.Groups {
		if !accountName.MatchString(g) {
			add("user[%d].groups: %q is not a valid group name", i, g)
		}
	}
	if u.Shell != "" && !strings.HasPrefix(u.Shell, "/") {
		add("user[%d].shell: %q must be an absolute path such as /bin/bash", i, u.Shell)
	}
	if u.Home != "" && !strings.HasPrefix(u.Home, "/") {
		add("user[%d].home: %q must be an absolute path such as /home/%s", i, u.Home, u.Name)
	}
	for _, r := range u.SudoRules {
		if strings.ContainsAny(r, "\n\r") || strings.TrimSpace(r) == "" {
			add("user[%d].sudo_rules: %q must be one non-empty line such as \"ALL=(root) NOPASSWD: /usr/bin/systemctl\"", i, r)
		}
	}
	for _, k := range u.AuthorizedKeys {
		if err := checkPublicKey(k); err != nil {
			add("user[%d].authorized_keys: %s", i, err)
		}
	}
	for _, path := range u.AuthorizedKeyFiles {
		if _, err := readKeyFile(path); err != nil {
			add("user[%d].authorized_key_files: %s", i, err)
		}
	}
}

func validateFile(add func(string, ...any), i int, f File) {
	switch {
	case f.Source != "" && f.Content != nil:
		add("file[%d]: both source and content are set; keep one", i)
	case f.Source == "" && f.Content == nil:
		add("file[%d]: set source (a local file) or content", i)
	case f.Source != "":
		if err := isRegularFile(f.Source); err != nil {
			add("file[%d].source: %s", i, err)
		}
	}
	if !strings.HasPrefix(f.Destination, "/") || strings.ContainsAny(f.Destination, "\n\r") {
		add("file[%d].destination: %q must be an absolute path on the machine, such as /etc/motd", i, f.Destination)
	}
	if !octalMode.MatchString(f.Mode) {
		add("file[%d].mode: %q is not an octal mode; use e.g. \"0644\" or \"0600\"", i, f.Mode)
	}
	if f.Owner != "" {
		user, group, _ := strings.Cut(f.Owner, ":")
		if !accountName.MatchString(user) || (strings.Contains(f.Owner, ":") && !accountName.MatchString(group)) {
			add("file[%d].owner: %q must be \"user\" or \"user:group\"", i, f.Owner)
		}
	}
}

func validateEnv(add func(string, ...any), vars []string, env map[string]string) {
	for _, kv := range vars {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || !envName.MatchString(k) {
			add("environment_vars: %q is not KEY=value with a valid variable name", kv)
		}
	}
	for k := range env {
		if !envName.MatchString(k) {
			add("env: %q is not a valid environment variable name", k)
		}
	}
}

func isRegularFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cannot read %q: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%q is not a regular file", path)
	}
	return nil
}
