package setup

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// planInput is what buildPlan needs beyond the config: values read at
// provisioning time (key files, Packer's generated data).
type planInput struct {
	RunDir string
	// UserKeys[i] are all public keys of Users[i], files already read.
	UserKeys [][]string
	// SSHUser is the user the build logged in as (Packer's "User"), whose
	// authorized_keys ssh_clear_authorized_keys empties.
	SSHUser string
	// Rebooted is true when the program runs again after its reboot: it
	// must not reboot a second time.
	Rebooted bool
}

// buildPlan turns the config into the ordered steps of one program run:
// wait for boot, sudoers pre-check, packages (and a reboot), groups, users,
// files, scripts, inline, verify, seal.
func buildPlan(c *Config, in planInput) plan {
	p := plan{RunDir: in.RunDir}
	add := func(name string, lines ...string) {
		p.Steps = append(p.Steps, step{Name: name, Body: strings.Join(lines, "\n")})
	}
	boot := strconv.Itoa(int(c.bootTimeout.Seconds()))
	add("wait for boot to finish", call("wait_boot", boot), call("hold_apt_jobs", boot))
	var checks []string
	for _, u := range c.Users {
		if content := sudoersContent(u); content != "" {
			checks = append(checks, call("precheck_sudoers", sudoersFile(u.Name), content))
		}
	}
	if len(checks) > 0 {
		add("check sudoers rules", checks...)
	}
	if len(c.Packages) > 0 || c.Upgrade {
		add(packagesName(c), call("ensure_packages", append([]string{boolArg(c.Upgrade)}, c.Packages...)...))
	}
	if c.Reboot {
		add("reboot if required", call("reboot_if_required", boolArg(!in.Rebooted)))
	}
	for _, g := range c.Groups {
		add("group "+g.Name, call("ensure_group", g.Name, boolArg(g.System)))
	}
	for i, u := range c.Users {
		add("user "+u.Name, userLines(u, in.UserKeys[i])...)
	}
	for i, f := range c.Files {
		name := fmt.Sprintf("file-%d", i+1)
		p.Uploads = append(p.Uploads, fileUpload(name, f))
		add("file "+f.Destination, "\tinstall_file "+inRunDir(name)+" "+shellWords(f.Destination, f.Mode, f.Owner))
	}
	addScripts(c, &p, add)
	for _, v := range c.Verify {
		add("verify "+v.Name, call("sh -c", v.Command))
	}
	if c.Seal == nil || *c.Seal {
		add("seal", sealLines(c, in)...)
	}
	return p
}

// sealLines clears the SSH user's keys (but those declared for that user)
// before the seal, which empties /tmp and with it the work folder.
func sealLines(c *Config, in planInput) []string {
	if !c.SSHClearAuthorizedKeys {
		return []string{call("seal")}
	}
	args := []string{in.SSHUser}
	for i, u := range c.Users {
		if u.Name == in.SSHUser {
			args = append(args, in.UserKeys[i]...)
		}
	}
	return []string{call("clear_authorized_keys", args...), call("seal")}
}

// addScripts adds the scripts and the inline commands, each uploaded.
func addScripts(c *Config, p *plan, add func(string, ...string)) {
	for i, s := range c.Scripts {
		name := fmt.Sprintf("script-%d-%s", i+1, filepath.Base(s))
		p.Uploads = append(p.Uploads, upload{Name: name, Local: s})
		add("script "+filepath.Base(s), "\trun_script "+inRunDir(name))
	}
	if len(c.Inline) > 0 {
		content := "#!/bin/sh -e\n" + strings.Join(c.Inline, "\n") + "\n"
		p.Uploads = append(p.Uploads, upload{Name: "inline.sh", Content: []byte(content)})
		add("inline commands", "\trun_script "+inRunDir("inline.sh"))
	}
}

func packagesName(c *Config) string {
	if c.Upgrade {
		return "upgrade and packages"
	}
	return "packages"
}

func userLines(u User, keys []string) []string {
	lines := []string{call("ensure_user", u.Name, u.Shell, u.Home)}
	for _, g := range u.Groups {
		lines = append(lines, call("ensure_member", u.Name, g))
	}
	if content := sudoersContent(u); content != "" {
		lines = append(lines, call("install_sudoers", sudoersFile(u.Name), content))
	}
	if len(keys) > 0 {
		lines = append(lines, call("ensure_keys", append([]string{u.Name}, keys...)...))
	}
	return lines
}

// sudoersContent is the user's sudoers fragment, empty when it has none.
func sudoersContent(u User) string {
	var rules []string
	if u.SudoNopasswd {
		rules = append(rules, u.Name+" ALL=(ALL) NOPASSWD:ALL")
	}
	for _, r := range u.SudoRules {
		rules = append(rules, u.Name+" "+r)
	}
	return strings.Join(rules, "\n")
}

// sudoersFile names the fragment; sudo skips files whose name holds a dot.
func sudoersFile(user string) string {
	return "90-immutable-" + strings.ReplaceAll(user, ".", "_")
}

func fileUpload(name string, f File) upload {
	if f.Content != nil {
		return upload{Name: name, Content: []byte(*f.Content)}
	}
	return upload{Name: name, Local: f.Source}
}

func boolArg(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// keyBlob is the base64 field of an OpenSSH public key line: the part
// that identifies the key whatever comment or options surround it.
func keyBlob(key string) string {
	fields := strings.Fields(key)
	for i, f := range fields {
		if strings.HasPrefix(f, "AAAA") && i > 0 {
			return f
		}
	}
	return ""
}
