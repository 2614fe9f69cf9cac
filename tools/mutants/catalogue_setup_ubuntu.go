package main

// setupUbuntuBreaks break what immutable-setup and scripts/setup.sh do on
// a real Ubuntu instance (#15): wait for boot, hold apt's timers, upgrade
// reproducibly, reboot for a new kernel, find dnf's providers, seal
// everything the build leaves.
func setupUbuntuBreaks() []Break {
	const area = "provisioner"
	const d = "provisioner/setup"
	const boot, pkgs, seal = d + "/sh/boot.sh", d + "/sh/packages.sh", d + "/sh/seal.sh"
	q := func(name string) Test { return quick(d, name) }
	a := func(name string) Test { return acc(d, name) }
	return []Break{
		one("apt-before-boot-finished", area, "nothing changes before cloud-init has finished booting the machine (#15)",
			boot, "wait_boot() {", "wait_boot() {\n\treturn 0",
			a("TestWaitsForCloudInitBeforeApt"), a("TestSealWaitsForCloudInitsLastStage")),
		one("cloud-init-recoverable-errors-fatal", area, "cloud-init's exit code 2 (recoverable errors, common on noble) is a warning, not a failure (#15)",
			boot, `2)
			say "warning: cloud-init finished with recoverable errors`, `2)
			return 1
			say "warning: cloud-init finished with recoverable errors`,
			a("TestCloudInitOutcomes")),
		one("apt-timers-not-held", area, "apt's daily timers start nothing during the build, and running jobs are waited for (#15)",
			boot, "hold_apt_jobs() {", "hold_apt_jobs() {\n\treturn 0",
			a("TestAptTimersHeldForTheBuild")),
		one("apt-timers-masked-in-the-image", area, "apt's timers are held in /run only: the image keeps them enabled (#15)",
			boot, `systemctl mask --runtime --quiet $units`, `systemctl mask --quiet $units`,
			a("TestAptTimersHeldForTheBuild")),
		one("phased-updates-drawn", area, "upgrades include phased updates, so two builds of one template do not differ by the machine-id's draw (#15)",
			pkgs, `-o APT::Get::Always-Include-Phased-Updates=true`, ``,
			q("TestAptCallsForUpgrade"), a("TestUpgradeInDebianRoot")),
		one("needrestart-restarts-services", area, "needrestart restarts no service mid-build (NEEDRESTART_MODE=l) (#15)",
			d+"/program.tmpl", `NEEDRESTART_MODE=l`, `NEEDRESTART_MODE=a`,
			q("TestProgramGolden"), a("TestUpgradeInDebianRoot")),
		one("old-kernels-kept", area, "an upgrade autoremoves what is no longer needed, old kernels included (#15)",
			pkgs, `[ "$upgrade" = 0 ] || apt_get -y autoremove --purge`, `:`,
			q("TestAptCallsForUpgrade"), a("TestUpgradeInDebianRoot")),
		one("dnf-checks-package-names", area, "on dnf a package counts as installed when something provides it (curl-minimal provides curl) (#15)",
			pkgs, `rpm -q --whatprovides "$p"`, `rpm -q "$p"`,
			q("TestDnfCountsProvidedPackagesAsInstalled")),
		one("dnf-conflict-not-replaced", area, "a package conflicting with an installed provider is installed with --allowerasing (#15)",
			pkgs, `[ "$pm" = dnf ] && grep -q -- '--allowerasing' "$work/pm.log" || return "$rc"`, `return "$rc"`,
			q("TestDnfReplacesAConflictingProvider")),
		one("reboot-ignored", area, "a new kernel or libc is followed by a reboot, and the program goes on once the machine is back (#15)",
			pkgs, "reboot_if_required() {", "reboot_if_required() {\n\treturn 0",
			q("TestRebootIfRequired"), a("TestRebootThroughSSH")),
		one("seal-keeps-apt-lists", area, "the seal removes apt's lists: the image carries no stale package index (#15)",
			seal, `[ ! -d /var/lib/apt/lists ] || find /var/lib/apt/lists -type f ! -name lock -delete`, `:`,
			a("TestDeclarativeSetupInDebianRoot")),
		one("seal-keeps-tmp", area, "the seal empties /tmp and /var/tmp (#15)",
			seal, `for d in /tmp /var/tmp; do`, `for d in /nonexistent; do`,
			a("TestDeclarativeSetupInDebianRoot")),
		one("logs-after-seal-stay", area, "what is logged after the seal (sshd, sudo, the shutdown) is removed when the instance stops (#15)",
			seal, `seal_unit >/run/systemd/system/immutable-setup-seal.service`, `: >/dev/null`,
			a("TestNothingLoggedAfterTheSealStays")),
		one("seal-keeps-random-seed", area, "the seal removes systemd's random seed, so instances do not share it (#15)",
			seal, `rm -f /var/lib/systemd/random-seed`, `:`,
			a("TestNothingLoggedAfterTheSealStays")),
		{Name: "setup-script-does-not-wait", Area: "scripts", Promise: "scripts/setup.sh (the imperative variant) waits for cloud-init too (#15)",
			Edits: []Edit{
				{"scripts/setup.sh", `if command -v cloud-init >/dev/null 2>&1 && cloud-init status --help >/dev/null 2>&1; then`, `if false; then`},
				{"scripts/setup.sh", `elif command -v cloud-init >/dev/null 2>&1; then`, `elif false; then`},
			},
			Tests: []Test{acc("e2e", "TestSetupScriptWaitsForBoot")}},
	}
}
