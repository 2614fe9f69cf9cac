//go:build acc

package ami

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// runHook plays the provisioners: it runs each command over the
// communicator, or calls fail instead.
type runHook struct {
	commands []string
	fail     func() error
	data     map[string]any // what provisioners got as build data
}

func (h *runHook) Run(ctx context.Context, name string, ui packersdk.Ui, comm packersdk.Communicator, data any) error {
	if name != packersdk.HookProvision {
		return nil
	}
	h.data, _ = data.(map[string]any)
	for _, c := range h.commands {
		cmd := &packersdk.RemoteCmd{Command: c}
		if err := cmd.RunWithUi(ctx, comm, ui); err != nil {
			return err
		}
		if cmd.ExitStatus() != 0 {
			return errors.New("provisioner command failed: " + c)
		}
	}
	if h.fail != nil {
		return callHook(h.fail)
	}
	return nil
}

// callHook runs a hook's checks on a goroutine of its own and returns what
// they return. A t.Fatal among them ends that goroutine (runtime.Goexit)
// instead of returning: the build then fails at once with an error saying
// so, where StepProvision would otherwise wait for the hook forever (until
// the test binary's timeout).
func callHook(fail func() error) error {
	done := make(chan error, 1)
	go func() {
		returned := false
		defer func() {
			if !returned {
				done <- errors.New("an assertion failed inside the provisioning hook (t.Fatal); see the test's errors above")
			}
		}()
		err := fail()
		returned = true
		done <- err
	}()
	return <-done
}

// buildEnv is moto behind the strict proxy (every refusal EC2 makes right
// after a create, throttling and 5xx bursts: ec2test.Strict) plus an SSH
// server accepting moto's key pairs. ec2 talks to moto directly, for
// assertions.
type buildEnv struct {
	moto  *ec2test.Moto
	proxy *ec2test.Proxy
	ec2   *ec2.Client
	ssh   *testSSHServer
}

func newBuildEnv(t *testing.T) *buildEnv {
	t.Helper()
	m := ec2test.Start(t)
	p := ec2test.StartProxy(t, m)
	p.SetEnv(t)
	c := m.EC2(t, ec2test.DefaultRegion)
	return &buildEnv{moto: m, proxy: p, ec2: c, ssh: startSSHServer(t, c)}
}

// template is the seed's source block pointed at the local SSH server.
func (e *buildEnv) template(extra map[string]any) map[string]any {
	raw := map[string]any{
		"region":        ec2test.DefaultRegion,
		"instance_type": "t2.micro",
		"ami_name":      "immutable-test-image",
		"ssh_username":  "ubuntu",
		"ssh_host":      "127.0.0.1",
		"ssh_port":      e.ssh.Port,
		"ssh_timeout":   "30s",
		"source_ami_filter": map[string]any{
			"filters": map[string]string{
				"name":                "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*",
				"root-device-type":    "ebs",
				"virtualization-type": "hvm",
			},
			"owners":      []string{"099720109477"},
			"most_recent": true,
		},
		"temporary_security_group_source_cidrs": []string{"127.0.0.1/32"},
		"tags":                                  map[string]string{"App": "web", "Source": "{{ .SourceAMI }}"},
		"run_tags":                              map[string]string{"Purpose": "bake {{ .SourceAMIName }}"},
	}
	for k, v := range extra {
		raw[k] = v
	}
	return raw
}

// run prepares and runs a Builder, returning its artifact, error and UI output.
func (e *buildEnv) run(t *testing.T, ctx context.Context, raw map[string]any, hook packersdk.Hook) (packersdk.Artifact, error, string) {
	t.Helper()
	var b Builder
	if _, _, err := b.Prepare(raw); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	var out bytes.Buffer
	ui := &packersdk.BasicUi{Reader: strings.NewReader(""), Writer: &out, ErrorWriter: &out}
	art, err := b.Run(ctx, ui, hook)
	return art, err, out.String()
}

// assertNothingLeft checks the endpoint for anything temporary the build
// made (groups the test made itself may stay).
func (e *buildEnv) assertNothingLeft(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	keys, err := e.ec2.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{})
	if err != nil || len(keys.KeyPairs) != 0 {
		t.Errorf("key pairs left: %+v (%v)", keys, err)
	}
	groups, err := e.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups.SecurityGroups {
		if strings.HasPrefix(aws.ToString(g.GroupName), "immutable-build-") || tagMap(g.Tags)[BuildUUIDTagKey] != "" {
			t.Errorf("security group left: %s (%s)", aws.ToString(g.GroupId), aws.ToString(g.GroupName))
		}
	}
	vols, err := e.ec2.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vols.Volumes {
		if tagMap(v.Tags)[BuildUUIDTagKey] != "" || len(v.Attachments) == 0 {
			t.Errorf("volume left: %s (%s)", aws.ToString(v.VolumeId), v.State)
		}
	}
	insts, err := e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range insts.Reservations {
		for _, i := range r.Instances {
			if i.State.Name != ec2types.InstanceStateNameTerminated {
				t.Errorf("instance %s left %s", aws.ToString(i.InstanceId), i.State.Name)
			}
		}
	}
}

func (e *buildEnv) images(t *testing.T) []ec2types.Image {
	t.Helper()
	out, err := e.ec2.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"self"}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Images
}

func readAuthorizedKeys(t *testing.T, home string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(home, ".ssh", "authorized_keys"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// buildInstance is the one instance the build launched, seen from moto.
func (e *buildEnv) buildInstance(t *testing.T) ec2types.Instance {
	t.Helper()
	out, err := e.ec2.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{BuildUUIDTagKey}}}})
	if err != nil || len(out.Reservations) != 1 {
		t.Fatalf("want one build instance: %v %v", out, err)
	}
	return out.Reservations[0].Instances[0]
}
