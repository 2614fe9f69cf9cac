//go:build acc

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloudtest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// project is a throwaway copy of images/, instances/ and scripts/ with a
// freshly generated key for the image's terraform user.
type project struct {
	dir, packer, plugin string
	cloud               *localcloudtest.Cloud
	env                 []string
}

// TestLoop is the seed's track: bake v1, apply, change the web app's version
// in scripts/webapp.sh (run by the template's declarative immutable-setup),
// bake v2, apply, roll back, apply — checking after each step what a user
// would check, down to the web page each deployed instance serves.
func TestLoop(t *testing.T) {
	start := time.Now()
	repo := packertest.RepoRoot(t)
	requireRoot(t)
	work := workDir(t)
	p := setUp(t, repo, work)

	v0 := p.readTfvars(t)
	p.bake(t, "v1")
	v1 := p.readTfvars(t)
	ami1 := p.checkBake(t, v0, v1)

	p.terraform(t, "init", "init", "-input=false", "-no-color")
	p.terraform(t, "apply-v1", "apply", "-auto-approve", "-input=false", "-no-color")
	web1 := p.outputs(t)
	p.checkInstance(t, web1, ami1)
	p.checkPage(t, web1, "1")
	p.checkGroupRefuses(t, web1)

	webapp := filepath.Join(p.dir, "scripts", "webapp.sh")
	replaceInFile(t, webapp, "\nAPP_VERSION=1\n", "\nAPP_VERSION=2\n")
	p.bake(t, "v2")
	v2 := p.readTfvars(t)
	ami2 := p.checkBake(t, v1, v2)

	web2 := p.redeploy(t, "apply-v2", web1, ami2, "2")
	p.checkInstanceRoot(t, web2, "2")

	// Roll back with the plugin's own subcommand: only ami_id goes back to
	// v1, and the next apply replaces the instance again.
	mustRun(t, p.dir, p.env, "rollback", p.plugin, "rollback", "-file", filepath.Join("instances", "terraform.tfvars"))
	if err := oneValueChanged(v2, p.readTfvars(t), `"`+ami2+`"`, `"`+ami1+`"`); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	web3 := p.redeploy(t, "apply-rollback", web2, ami1, "1")
	p.checkNothingLeft(t, web3.InstanceID, ami1, ami2)
	t.Logf("whole loop: %s", time.Since(start).Round(time.Second))
}

// workDir is a temp folder for the run; KEEP_E2E=1 keeps it (and the logs
// of every command in it) after the test.
func workDir(t *testing.T) string {
	t.Helper()
	work := t.TempDir()
	if os.Getenv("KEEP_E2E") == "1" {
		var err error
		if work, err = os.MkdirTemp("", "immutable-e2e-"); err != nil {
			t.Fatal(err)
		}
		t.Logf("KEEP_E2E=1: keeping %s", work)
	}
	logDir = work
	return work
}

// setUp starts the local cloud, builds and installs the plugin, copies the
// project and generates the user's key.
func setUp(t *testing.T, repo, work string) *project {
	t.Helper()
	mustRun(t, repo, nil, "deps", filepath.Join(repo, "tools", "deps.sh"))
	packer := packertest.Packer(t)
	cloud := localcloudtest.Start(t, filepath.Join(work, "cloud"))
	p := &project{dir: filepath.Join(work, "project"), packer: packer, cloud: cloud}
	plugins := filepath.Join(work, "packer-plugins")
	p.env = cloud.Environ(append(packertest.Vars(plugins), "TF_IN_AUTOMATION=1", "PACKER_NO_COLOR=1")...)

	// A release build (no -dev suffix): `packer init` then finds it installed
	// for required_plugins' ">= 0.1.0" instead of trying to download it.
	p.plugin = packertest.BuildPlugin(t, work, true)
	packertest.Install(t, packer, p.plugin, plugins)

	for _, d := range []string{"images", "instances", "scripts"} {
		copyTree(t, filepath.Join(repo, d), filepath.Join(p.dir, d))
	}
	if err := os.MkdirAll(filepath.Join(p.dir, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	mustRun(t, p.dir, nil, "ssh-keygen", "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(p.dir, "keys", "terraform"))
	mustRun(t, p.dir, p.env, "packer-init", packer, "init", "images/image.pkr.hcl")
	return p
}

// bake runs packer build in the local cloud. Like on AWS the builder dials
// the build instance's own address; its temporary group admits this
// machine, which reaches loopback addresses from 127.0.0.1.
func (p *project) bake(t *testing.T, name string) {
	t.Helper()
	mustRun(t, p.dir, p.env, "bake-"+name, p.packer, p.buildArgs("127.0.0.1/32")...)
}

// buildArgs is `packer build` of the template, its temporary group
// admitting cidr (plus ssh_port where this machine cannot use port 22).
func (p *project) buildArgs(cidr string) []string {
	args := []string{"build", "-color=false", "-var", `ssh_source_cidrs=["` + cidr + `"]`}
	if port := p.cloud.Env["SSH_PORT"]; port != "" {
		args = append(args, "-var", "ssh_port="+port)
	}
	return append(args, "images/image.pkr.hcl")
}

func (p *project) terraform(t *testing.T, log string, args ...string) {
	t.Helper()
	mustRun(t, filepath.Join(p.dir, "instances"), p.env, "terraform-"+log, "terraform", args...)
}

type webOutputs struct {
	InstanceID, AMI, PublicIP string
}

func (p *project) outputs(t *testing.T) webOutputs {
	t.Helper()
	cmd := exec.Command("terraform", "output", "-json")
	cmd.Dir, cmd.Env = filepath.Join(p.dir, "instances"), p.env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("terraform output: %v", err)
	}
	var raw map[string]struct{ Value string }
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatalf("terraform output -json: %v\n%s", err, out)
	}
	return webOutputs{InstanceID: raw["instance_id"].Value, AMI: raw["ami_id"].Value, PublicIP: raw["public_ip"].Value}
}

func (p *project) readTfvars(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(p.dir, "instances", "terraform.tfvars"))
	if err != nil {
		t.Fatalf("reading terraform.tfvars: %v", err)
	}
	return data
}

func replaceInFile(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), old) {
		t.Fatalf("%s: want %q in it (err %v)", path, old, err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o755); err != nil {
		t.Fatal(err)
	}
}
