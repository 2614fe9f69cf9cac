//go:build acc

package ami

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// nowhere is a loopback address nothing listens on: an instance address
// the build must not pick.
const nowhere = "127.0.0.9"

// TestSSHInterfaceConnectsToTheNamedAddress: each ssh_interface makes the
// build SSH to that one instance address. The proxy gives the instance
// four different addresses, only the named one leading to the test SSH
// server, so the build completes only if the right one was dialled.
func TestSSHInterfaceConnectsToTheNamedAddress(t *testing.T) {
	e := newBuildEnv(t)
	proxy := e.proxy
	for _, tc := range []struct{ iface, element, addr string }{
		{"public_ip", "ipAddress", "127.0.0.1"},
		{"private_ip", "privateIpAddress", "127.0.0.1"},
		{"public_dns", "dnsName", "localhost"},
		{"private_dns", "privateDnsName", "localhost"},
		{"", "ipAddress", "127.0.0.1"}, // default: the public IP first
	} {
		t.Run("ssh_interface="+tc.iface, func(t *testing.T) {
			addrs := map[string]string{"ipAddress": nowhere, "privateIpAddress": nowhere, "dnsName": nowhere, "privateDnsName": nowhere}
			addrs[tc.element] = tc.addr
			proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{InstanceAddresses: addrs}))
			raw := e.template(map[string]any{"ami_name": "via-" + tc.element, "ssh_timeout": "15s"})
			delete(raw, "ssh_host")
			if tc.iface != "" {
				raw["ssh_interface"] = tc.iface
			}
			art, err, out := e.run(t, context.Background(), raw, &runHook{commands: []string{"true"}})
			if err != nil {
				t.Fatalf("build failed: %v\n%s", err, out)
			}
			t.Cleanup(func() { _ = art.Destroy() })
			if !strings.Contains(out, "(address "+tc.addr+")") {
				t.Errorf("build did not report SSH address %s:\n%s", tc.addr, out)
			}
			e.assertNothingLeft(t)
		})
	}
}

// TestPublicIPAndUserDataFileReachEC2: associate_public_ip_address = true
// in a subnet that does not map public IPs asks EC2 for one on the
// instance's interface, and user_data_file's contents become the
// instance's user data.
func TestPublicIPAndUserDataFileReachEC2(t *testing.T) {
	e := newBuildEnv(t)
	proxy := e.proxy
	vpc, sn := e.makeVPC(t, "10.6.0.0/16", "us-east-1a")
	userData := filepath.Join(t.TempDir(), "user-data.sh")
	if err := os.WriteFile(userData, []byte("#!/bin/sh\necho from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	hook := &runHook{fail: func() error {
		inst := e.buildInstance(t)
		ud, err := e.ec2.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: inst.InstanceId, Attribute: "userData"})
		if err != nil || aws.ToString(ud.UserData.Value) != "IyEvYmluL3NoCmVjaG8gZnJvbS1maWxlCg==" {
			t.Errorf("user data %v %v, want user-data.sh base64-encoded", ud, err)
		}
		if aws.ToString(inst.PublicIpAddress) == "" {
			t.Errorf("instance %s in %s has no public IP", aws.ToString(inst.InstanceId), sn)
		}
		return nil
	}}
	raw := e.template(map[string]any{"vpc_id": vpc, "subnet_id": sn, "associate_public_ip_address": true,
		"user_data_file": userData, "skip_create_ami": true})
	if _, err, out := e.run(t, ctx, raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	runs := proxy.Requests("RunInstances")
	if len(runs) != 1 || runs[0].Params.Get("NetworkInterface.1.AssociatePublicIpAddress") != "true" ||
		runs[0].Params.Get("NetworkInterface.1.SubnetId") != sn {
		t.Errorf("RunInstances did not ask for a public IP on the interface in %s: %v", sn, runs)
	}
	e.assertNothingLeft(t)
}
