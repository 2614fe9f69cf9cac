//go:build acc

package setup

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/roottest"
)

// rebootBuild has two immutable-setup blocks: the first installs a package
// whose installation asks for a reboot (as a kernel's does) and reboots
// with reboot = true; the second runs in the same boot afterwards.
const rebootBuild = `source "null" "local" {
  ssh_host             = "@HOST@"
  ssh_port             = @PORT@
  ssh_username         = "ubuntu"
  ssh_private_key_file = "@KEY@"
  ssh_timeout          = "30s"
}

build {
  sources = ["source.null.local"]
  provisioner "immutable-setup" {
    boot_timeout     = "@BOOT_TIMEOUT@"
    packages         = ["tree"]
    reboot           = true
    environment_vars = ["boot_poll=1"]
    seal             = false
  }
  provisioner "immutable-setup" {
    boot_timeout = "@BOOT_TIMEOUT@"
    inline       = ["echo second block in boot $(cat /var/lib/localcloud/boots)"]
    seal         = false
  }
}
`

// TestRebootThroughSSH runs a real packer build over SSH into an instance
// of the local cloud, which boots as an Ubuntu AMI (localcloud/instance/
// boot.d and ubuntu): the package's installation asks for a reboot; the
// program reboots the machine
// (connections drop, logins are refused while it boots, /run is emptied,
// cloud-init runs again) and Packer's SSH communicator reconnects; the
// program runs again from the start (the boot wait and the apt-timer hold
// included, as a reboot undid them), reboots no more, and the second block
// runs in the same boot without waiting for cloud-init again. Afterwards
// apt's timers still start nothing.
func TestRebootThroughSSH(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	packer := packertest.Packer(t)
	packertest.Install(t, packer, packertest.BuildPlugin(t, tmp, false), filepath.Join(tmp, "plugins"))
	root, template := ubuntuInstance(t, tmp)
	cmd := exec.Command(packer, "build", "-color=false", template)
	cmd.Env = packertest.Env(filepath.Join(tmp, "plugins"))
	raw, err := cmd.CombinedOutput()
	out := string(raw)
	t.Logf("packer build:\n%s", out)
	if err != nil {
		t.Fatalf("packer build: %v", err)
	}
	for _, want := range []string{
		"a reboot is required (/var/run/reboot-required, for linux-image-6.8.0-1021-aws): rebooting",
		"for the machine to come back from its reboot", "The machine is back after",
		"boot finished (checked earlier in this boot)", "second block in boot 2",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("packer output lacks %q", want)
		}
	}
	if strings.Contains(out, "a reboot is still required") {
		t.Error("the program asked for a second reboot")
	}
	if n := strings.Count(out, "[1/3] wait for boot to finish"); n != 2 {
		t.Errorf("the first block's program ran %d times, want 2 (before and after the reboot)", n)
	}
	if strings.Count(out, "apt timers held until the instance stops") != 3 {
		t.Error("apt's timers were not held again after the reboot")
	}
	if got := roottest.FireTimers(t, root); got != "fired: nothing" {
		t.Errorf("apt's timers after the build: %q", got)
	}
}

// ubuntuInstance launches an instance in a local cloud, where every
// instance boots as an Ubuntu AMI (localcloud/instance/boot.d), and where
// installing a package asks for a reboot; it writes the template that
// builds on it and returns the instance's root and the template's path.
func ubuntuInstance(t *testing.T, tmp string) (root, template string) {
	key := filepath.Join(tmp, "id_ed25519")
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key)
	root, host, port := localInstance(t, filepath.Join(tmp, "cloud"), key+".pub")
	// What a kernel's postinst does (update-notifier's hook): ask for a reboot.
	hook := `DPkg::Post-Invoke { "touch /var/run/reboot-required && echo linux-image-6.8.0-1021-aws >/var/run/reboot-required.pkgs"; };` + "\n"
	if err := os.WriteFile(filepath.Join(root, "etc/apt/apt.conf.d/99-kernel-asks-for-reboot"), []byte(hook), 0o644); err != nil {
		t.Fatal(err)
	}
	template = filepath.Join(tmp, "build.pkr.hcl")
	text := strings.NewReplacer("@HOST@", host, "@PORT@", port, "@KEY@", key, "@BOOT_TIMEOUT@", testBootTimeout).Replace(rebootBuild)
	if err := os.WriteFile(template, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, template
}
