package main

// setupBreaks break immutable-setup: idempotent setup, image tests that gate
// the image, and the seal (#4, #15).
func setupBreaks() []Break {
	const area = "provisioner"
	const d = "provisioner/setup"
	const seal, accounts = d + "/sh/seal.sh", d + "/sh/accounts.sh"
	q := func(name string) Test { return quick(d, name) }
	a := func(name string) Test { return acc(d, name) }
	return []Break{
		one("seal-keeps-host-keys", area, "the seal removes the SSH host keys, so every instance makes its own (#4)",
			seal, `rm -f /etc/ssh/ssh_host_*`, `: rm -f /etc/ssh/ssh_host_*`,
			a("TestDeclarativeSetupInDebianRoot")),
		one("seal-keeps-machine-id", area, "the seal empties /etc/machine-id, so every instance gets its own (#4)",
			seal, `[ ! -s /etc/machine-id ] || : >/etc/machine-id`, `:`,
			a("TestDeclarativeSetupInDebianRoot")),
		one("seal-keeps-cloud-init-state", area, "the seal removes cloud-init's state, so the first boot of every instance runs it (#4)",
			seal, `rm -rf /var/lib/cloud`, `: rm -rf /var/lib/cloud`,
			a("TestDeclarativeSetupInDebianRoot")),
		one("clear-authorized-keys-keeps-build-key", area, "ssh_clear_authorized_keys empties the SSH user's authorized_keys but for the keys the template declares (#15)",
			seal, `grep -vxF -f "$work/keep" "$f" >"$work/dropped" || true`, `: >"$work/dropped"`,
			a("TestClearAuthorizedKeys")),
		one("seal-off-by-default", area, "seal defaults to true (#4)",
			d+"/plan.go", `if c.Seal == nil || *c.Seal {`, `if c.Seal != nil && *c.Seal {`,
			q("TestProgramGolden"), q("TestPrepareDefaults")),
		{Name: "verify-after-seal", Area: area, Promise: "image tests (verify) run before the seal: a failing check leaves the machine unsealed and the build failed (#4)",
			Edits: []Edit{
				{d + "/plan.go", "for _, v := range c.Verify {\n add(\"verify \"+v.Name, call(\"sh -c\", v.Command))\n }", ""},
				{d + "/plan.go", "add(\"seal\", sealLines(c, in)...)\n }",
					"add(\"seal\", sealLines(c, in)...)\n\t}\n\tfor _, v := range c.Verify {\n\t\tadd(\"verify \"+v.Name, call(\"sh -c\", v.Command))\n\t}"},
			},
			Tests: []Test{q("TestProgramGolden"), a("TestFailuresInDebianRoot")}},
		one("failing-step-continues", area, "a failing step stops the program; the error names the step and its exit code (#2, #4)",
			d+"/program.tmpl", `say "@@immutable-setup:failed $1 $rc"
	exit "$rc"`, `say "@@immutable-setup:failed $1 $rc"
	return 0`,
			q("TestProgramGolden"), a("TestScriptsInlineAndFailures"), a("TestFailuresInDebianRoot")),
		one("apt-lock-not-retried", area, "apt lock contention (cloud-init right after boot) is retried (#4)",
			d+"/sh/packages.sh", `grep -qE 'Could not get lock|Unable to lock|Unable to acquire' "$work/apt.log" || return "$rc"`,
			`return "$rc"`,
			q("TestAptLockRetried"), a("TestAptLockInDebianRoot")),
		// visudo's verdict itself: precheck_sudoers and install_sudoers both
		// ask check_sudoers, so skipping one of the two calls changes nothing.
		one("sudoers-not-checked", area, "sudoers rules are checked by visudo before they are installed; a bad one changes nothing (#4)",
			accounts, `visudo -c -f "$work/$1" >/dev/null ||`, `true ||`,
			a("TestFailuresInDebianRoot")),
		one("authorized-keys-world-readable", area, "authorized_keys is 600 and owned by its user (#4)",
			accounts, `chmod 0600 "$f"`, `chmod 0644 "$f"`,
			a("TestDeclarativeSetupInDebianRoot")),
		one("ssh-folder-open", area, "~/.ssh is 700 and owned by its user (#4)",
			accounts, `install -d -m 0700 -o "$user" -g "$group" "$dir"`, `install -d -m 0755 -o "$user" -g "$group" "$dir"`,
			a("TestDeclarativeSetupInDebianRoot")),
		one("keys-added-twice", area, "a second run changes nothing: keys already present are not added again (#4)",
			accounts, `grep -qxF -- "$key" "$f" || { printf '%s\n' "$key" >>"$f"; say "added a key to $f"; }`,
			`{ printf '%s\n' "$key" >>"$f"; say "added a key to $f"; }`,
			a("TestDeclarativeSetupInDebianRoot")),
		one("env-vars-unquoted", area, "environment_vars values reach scripts exactly, quoted for the shell (#2)",
			d+"/env.go", `words = append(words, k+"="+shellQuote(v))`, `words = append(words, k+"="+v)`,
			q("TestEnvVarsQuoted")),
		one("execute-command-without-sudo", area, "execute_command runs the program with sudo by default (#2)",
			d+"/prepare.go", `defaultExecuteCommand = "sudo -n env {{.Vars}} /bin/sh {{.Path}}"`,
			`defaultExecuteCommand = "env {{.Vars}} /bin/sh {{.Path}}"`,
			q("TestPrepareDefaults"), a("TestScriptsInlineAndFailures")),
		// Found by gremlins (docs/mutation-testing.md).
		one("first-step-failure-unnamed", area, "a failing step's error names it, the first step's too (#2)",
			d+"/output.go", `if o.failed < 1 || o.failed > len(o.plan.Steps) {`, `if o.failed <= 1 || o.failed > len(o.plan.Steps) {`,
			q("TestFailureOfTheFirstAndLastStep")),
		one("stderr-said-as-output", area, "the program's stderr is shown as errors, its stdout as output (#2)",
			d+"/output.go", `if stream == 1 {`, `if stream != 1 {`,
			q("TestFailureNamesTheStepWithItsOwnOutput")),
		one("last-line-without-newline-lost", area, "output ending without a newline is shown and kept in the failure's tail (#2)",
			d+"/output.go", `if rest != "" {`, `if rest == "" {`,
			q("TestFailureNamesTheStepWithItsOwnOutput")),
		one("empty-sudoers-check-step", area, "the program has only the steps the template asks for (#4)",
			d+"/plan.go", `if len(checks) > 0 {`, `if len(checks) >= 0 {`,
			q("TestPlanHasOnlyTheStepsTheTemplateAsksFor")),
		one("file-source-ignored", area, "a file block's source is uploaded from the local path it names (#4)",
			d+"/plan.go", `if f.Content != nil {`, `if f.Content == nil {`,
			q("TestPlanHasOnlyTheStepsTheTemplateAsksFor")),
		one("valid-sudo-rules-refused", area, "Prepare refuses a blank sudo rule and accepts a valid one (#4)",
			d+"/prepare.go", `strings.TrimSpace(r) == ""`, `strings.TrimSpace(r) != ""`,
			q("TestPrepareJudgesSudoRulesAndTheRebootWait")),
		one("reboot-without-wait-accepted", area, "reboot with boot_timeout = \"0s\" is refused by Prepare, naming both attributes (#15)",
			d+"/prepare_boot.go", `if c.Reboot && err == nil && d == 0 {`, `if c.Reboot && err != nil && d == 0 {`,
			q("TestPrepareJudgesSudoRulesAndTheRebootWait")),
	}
}
