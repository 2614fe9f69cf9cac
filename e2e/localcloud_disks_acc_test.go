//go:build acc

package e2e

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloud"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloudtest"
)

// TestLocalCloudDisks checks the local cloud's disks, as the builder and
// Terraform use them: stop/start and reboot keep an instance's disk (and
// its host keys); CreateImage from a stopped instance makes its disk the
// image's layer without copying; an instance of that image sees it, and an image
// of that instance stacks a layer (deletions included); CopyImage shares
// the layers; terminating drops an instance's disk; a layer goes once no
// image or instance uses it; down.sh stops every process by PID.
func TestLocalCloudDisks(t *testing.T) {
	c, _, key, first := cloudWithInstance(t, "mine")
	group := groupOf(t, c, first.ID)
	mustSSH(t, c, first, key, "sudo sh -c 'echo one >/etc/marker-one && rm /etc/motd'")
	hostKey := mustSSH(t, c, first, key, "cat /etc/ssh/ssh_host_ed25519_key.pub")
	first = checkRestarts(t, c, first, key)

	act(t, c, "StopInstances", first.ID, types.InstanceStateNameStopped)
	inode := inodeOf(t, filepath.Join(first.Disk, "etc/marker-one"))
	one := createImage(t, c, first.ID, "one")
	if layers := layersOf(t, c, one); len(layers) != 1 || inodeOf(t, filepath.Join(layers[0], "etc/marker-one")) != inode {
		t.Fatalf("image %s's layers %v: want one, the instance's disk moved there (same inode %d)", one, layers, inode)
	}
	if entries, _ := os.ReadDir(first.Disk); len(entries) != 0 {
		t.Errorf("the imaged instance's own layer is not fresh: %d entries", len(entries))
	}

	second := c.Launch(t, one, "mine", group)
	if got := mustSSH(t, c, second, key, "cat /etc/marker-one; cat /etc/ssh/ssh_host_ed25519_key.pub"); !strings.HasPrefix(got, "one\n") || strings.HasSuffix(got, hostKey) {
		t.Fatalf("an instance of %s shows %q; want the marker and host keys of its own", one, got)
	}
	mustSSH(t, c, second, key, "sudo sh -c 'echo two >/etc/marker-two && rm /etc/marker-one'")
	act(t, c, "StopInstances", second.ID, types.InstanceStateNameStopped)
	two := createImage(t, c, second.ID, "two")
	third := c.Launch(t, two, "mine", group)
	if got := mustSSH(t, c, third, key, "cat /etc/marker-two; ls /etc/marker-one /etc/motd 2>&1 | wc -l"); got != "two\n2\n" {
		t.Fatalf("an instance of the chained image %s shows %q; want marker-two, and marker-one and motd deleted", two, got)
	}
	if l1, l2 := layersOf(t, c, one), layersOf(t, c, two); len(l2) != 2 || l2[1] != l1[0] {
		t.Fatalf("chained image %s has layers %v; want its own over %s's %v", two, l2, one, l1)
	}
	checkLayersGo(t, c, one, two, first, second, third)

	ids := []int{third.PID, mustPID(t, c.Env["LOCALCLOUD_PID"]), mustPID(t, c.Env["MOTO_PID"])}
	mustRun(t, c.Repo, nil, "down", filepath.Join(c.Repo, "localcloud", "down.sh"), c.Dir)
	for i, what := range []string{"an instance's init", "the daemon", "moto_server"} {
		assertGone(t, ids[i], what)
	}
}

// checkRestarts stops and starts the instance, then reboots it: each time
// its processes are new, and its disk (a file written, a file deleted) and
// host keys stay.
func checkRestarts(t *testing.T, c *localcloudtest.Cloud, in localcloud.InstanceInfo, key string) localcloud.InstanceInfo {
	t.Helper()
	check := "cat /etc/marker-one; test -e /etc/motd || echo no motd; cat /etc/ssh/ssh_host_ed25519_key.pub"
	want := mustSSH(t, c, in, key, check)
	act(t, c, "StopInstances", in.ID, types.InstanceStateNameStopped)
	if stopped := c.Instance(t, in.ID); stopped.PID != 0 || stopped.Phase != "stopped" {
		t.Fatalf("a stopped instance still runs: %+v", stopped)
	}
	assertGone(t, in.PID, "the stopped instance's init")
	for _, action := range []string{"StartInstances", "RebootInstances"} {
		before := c.Instance(t, in.ID).PID
		act(t, c, action, in.ID, types.InstanceStateNameRunning)
		in = c.Instance(t, in.ID)
		if got := mustSSH(t, c, in, key, check); got != want || in.PID == before || in.PID == 0 {
			t.Fatalf("after %s: init pid %d (was %d), the disk shows %q; want a new init, %q", action, in.PID, before, got, want)
		}
	}
	if !strings.HasPrefix(want, "one\nno motd\nssh-ed25519 ") {
		t.Fatalf("the instance's disk showed %q before the restarts", want)
	}
	return in
}

// checkLayersGo copies an image (sharing its layers), deregisters images
// and terminates instances, and checks that each layer goes only with its
// last user, and each instance's disk with the instance.
func checkLayersGo(t *testing.T, c *localcloudtest.Cloud, one, two string, instances ...localcloud.InstanceInfo) {
	t.Helper()
	var copied *ec2.CopyImageOutput
	err := localcloudtest.Patient(t, func(ctx context.Context) (err error) {
		copied, err = c.EC2().CopyImage(ctx, &ec2.CopyImageInput{Name: aws.String("copy"),
			SourceImageId: aws.String(one), SourceRegion: aws.String(c.Env["AWS_REGION"])})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := layersOf(t, c, *copied.ImageId), layersOf(t, c, one); !reflect.DeepEqual(got, want) {
		t.Fatalf("copy %s has layers %v; want %s's %v, shared", *copied.ImageId, got, one, want)
	}
	layerOne, layerTwo := layersOf(t, c, one)[0], layersOf(t, c, two)[0]
	for _, img := range []string{one, *copied.ImageId} {
		deregister(t, c, img)
	}
	exists(t, layerOne, true, "image "+one+"'s layer, still under "+two)
	for _, in := range instances {
		act(t, c, "TerminateInstances", in.ID, types.InstanceStateNameTerminated)
		exists(t, in.Disk, false, "terminated instance "+in.ID+"'s disk")
	}
	exists(t, layerTwo, true, "image "+two+"'s layer, still registered")
	deregister(t, c, two)
	exists(t, layerOne, false, "a layer no image or instance uses")
	exists(t, layerTwo, false, "a layer no image or instance uses")
}

// act calls Stop/Start/Reboot/TerminateInstances and waits for the state.
func act(t *testing.T, c *localcloudtest.Cloud, action, id string, want types.InstanceStateName) {
	t.Helper()
	ids := []string{id}
	err := localcloudtest.Patient(t, func(ctx context.Context) (err error) {
		switch action {
		case "StopInstances":
			_, err = c.EC2().StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: ids})
		case "StartInstances":
			_, err = c.EC2().StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: ids})
		case "RebootInstances":
			_, err = c.EC2().RebootInstances(ctx, &ec2.RebootInstancesInput{InstanceIds: ids})
		case "TerminateInstances":
			_, err = c.EC2().TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids})
		default:
			t.Fatalf("act: unknown action %s", action)
		}
		return err
	})
	if err != nil {
		t.Fatalf("%s %s: %v", action, id, err)
	}
	c.WaitState(t, id, want)
}

func layersOf(t *testing.T, c *localcloudtest.Cloud, image string) []string {
	t.Helper()
	for _, img := range c.Images(t) {
		if img.ID == image {
			return img.Layers
		}
	}
	t.Fatalf("the local cloud has no disk for image %s", image)
	return nil
}

func mustSSH(t *testing.T, c *localcloudtest.Cloud, in localcloud.InstanceInfo, key, command string) string {
	t.Helper()
	out, err := sshRun(c, in, key, "ubuntu", command)
	if err != nil {
		t.Fatalf("ssh ubuntu@%s (%s) %q: %v\n%s", in.PublicIP, in.ID, command, err, out)
	}
	return out
}

func inodeOf(t *testing.T, path string) uint64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Sys().(*syscall.Stat_t).Ino
}

func exists(t *testing.T, path string, want bool, what string) {
	t.Helper()
	_, err := os.Stat(path)
	if got := !errors.Is(err, os.ErrNotExist); got != want {
		t.Errorf("%s (%s): exists %v, want %v", what, path, got, want)
	}
}

func mustPID(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("bad PID %q", s)
	}
	return n
}
