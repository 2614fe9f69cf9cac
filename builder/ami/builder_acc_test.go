//go:build acc

package ami

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestBuildBakesAnImageAndLeavesNothing runs the whole builder against moto
// and an SSH server accepting EC2's key pairs: the image exists and is
// tagged, the provisioner ran over SSH, the temporary key was removed from
// authorized_keys (a user's key kept), and no key pair, group or running
// instance is left.
func TestBuildBakesAnImageAndLeavesNothing(t *testing.T) {
	e := newBuildEnv(t)
	userKey := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeepMeKeepMeKeepMeKeepMeKeepMeKeepMeKeepMe user@laptop\n"
	if err := os.WriteFile(filepath.Join(e.ssh.Home, ".ssh", "authorized_keys"), []byte(userKey), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PACKER_RUN_UUID", "11111111-2222-3333-4444-555555555555")
	hook := &runHook{commands: []string{"echo baked > provisioned.txt"}}

	art, err, out := e.run(t, context.Background(), e.template(nil), hook)
	if err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	imgs := e.images(t)
	if len(imgs) != 1 || art.Id() != "us-east-1:"+aws.ToString(imgs[0].ImageId) {
		t.Fatalf("artifact %q, images %v\n%s", art.Id(), imgs, out)
	}
	tags := tagMap(imgs[0].Tags)
	if tags["App"] != "web" || tags["Source"] != "ami-0a1b2c3d4e5f60002" || tags[BuildUUIDTagKey] != "11111111-2222-3333-4444-555555555555" {
		t.Errorf("image tags %v: want App=web, Source=newest jammy (most_recent), build UUID", tags)
	}
	if b, err := os.ReadFile(filepath.Join(e.ssh.Home, "provisioned.txt")); err != nil || string(b) != "baked\n" {
		t.Errorf("provisioner did not run over SSH: %q %v", b, err)
	}
	if keys := readAuthorizedKeys(t, e.ssh.Home); keys != userKey {
		t.Errorf("authorized_keys after the build = %q, want only the user's key", keys)
	}
	e.assertNothingLeft(t)
	d := hook.data
	if id, _ := d["ID"].(string); !strings.HasPrefix(id, "i-") || d["SourceAMI"] != "ami-0a1b2c3d4e5f60002" ||
		d["BuildRegion"] != "us-east-1" || !strings.HasPrefix(d["SSHPublicKey"].(string), "ssh-ed25519 ") ||
		d["SourceAMIName"] != "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301" || d["SourceAMIOwner"] != "099720109477" {
		t.Errorf("provisioners' build data: %v", d)
	}
	if strings.Contains(out, "BEGIN OPENSSH PRIVATE KEY") {
		t.Error("the private key appeared in the UI output")
	}
}

// TestBuildLaunchesWithSecureDefaultsAndRunTags checks what the build
// instance was launched with while it runs: IMDSv2 required, run_tags
// rendered with the source AMI, every temporary resource tagged with the
// build UUID, SSH open only to the configured CIDR.
func TestBuildLaunchesWithSecureDefaultsAndRunTags(t *testing.T) {
	e := newBuildEnv(t)
	var checked bool
	hook := &runHook{fail: func() error {
		checked = true
		ctx := context.Background()
		insts, err := e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
		if err != nil || len(insts.Reservations) != 1 {
			t.Fatalf("want one instance while provisioning: %v %v", insts, err)
		}
		inst := insts.Reservations[0].Instances[0]
		if inst.MetadataOptions == nil || inst.MetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired {
			t.Errorf("metadata options %+v: want http_tokens required", inst.MetadataOptions)
		}
		tags := tagMap(inst.Tags)
		if tags["Purpose"] != "bake ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301" || tags[BuildUUIDTagKey] == "" || tags["Name"] != "Packer Builder" {
			t.Errorf("instance tags %v", tags)
		}
		assertOnlySSHFrom(t, e.ec2, e.ssh.Port, "127.0.0.1/32")
		keys, _ := e.ec2.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{})
		if len(keys.KeyPairs) != 1 || keys.KeyPairs[0].KeyType != ec2types.KeyTypeEd25519 || tagMap(keys.KeyPairs[0].Tags)[BuildUUIDTagKey] == "" {
			t.Errorf("temporary key pair %+v: want one tagged ed25519 key", keys.KeyPairs)
		}
		return nil
	}}
	if _, err, out := e.run(t, context.Background(), e.template(nil), hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if !checked {
		t.Fatal("provisioning hook never ran")
	}
	e.assertNothingLeft(t)
}

// TestFailedAndCancelledBuildsLeaveNothing: a failing provisioner and a
// Ctrl-C during provisioning both end with no image, key pair, group or
// running instance.
func TestFailedAndCancelledBuildsLeaveNothing(t *testing.T) {
	e := newBuildEnv(t)
	t.Run("provisioner fails", func(t *testing.T) {
		e.reset(t)
		hook := &runHook{commands: []string{"exit 3"}}
		if _, err, out := e.run(t, context.Background(), e.template(nil), hook); err == nil {
			t.Fatalf("build succeeded despite the failing provisioner\n%s", out)
		}
		if imgs := e.images(t); len(imgs) != 0 {
			t.Errorf("images left: %v", imgs)
		}
		e.assertNothingLeft(t)
	})
	t.Run("SSH never answers within ssh_timeout", func(t *testing.T) {
		e.reset(t)
		raw := e.template(map[string]any{"ssh_port": closedPort(t), "ssh_timeout": "3s"})
		start := time.Now()
		_, err, out := e.run(t, context.Background(), raw, &runHook{})
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "timeout") {
			t.Fatalf("err = %v, want an SSH timeout\n%s", err, out)
		}
		if d := time.Since(start); d > time.Minute {
			t.Errorf("ssh_timeout 3s, but the build took %s", d)
		}
		e.assertNothingLeft(t)
	})
	t.Run("cancelled", func(t *testing.T) {
		e.reset(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		hook := &runHook{fail: func() error { cancel(); return errors.New("interrupted") }}
		art, err, out := e.run(t, ctx, e.template(nil), hook)
		if err == nil || art != nil {
			t.Fatalf("cancelled build returned artifact %v, err %v\n%s", art, err, out)
		}
		if imgs := e.images(t); len(imgs) != 0 {
			t.Errorf("images left: %v", imgs)
		}
		e.assertNothingLeft(t)
	})
}
