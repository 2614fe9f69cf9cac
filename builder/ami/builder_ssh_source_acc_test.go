//go:build acc

package ami

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// assertOnlySSHFrom reads the temporary group's whole ingress: exactly one
// rule, TCP, from port to port, from exactly cidrs (IPv4 and IPv6 ranges),
// naming no other group or prefix list.
func assertOnlySSHFrom(t *testing.T, c *ec2.Client, port int, cidrs ...string) {
	t.Helper()
	groups, err := c.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{BuildUUIDTagKey}}},
	})
	if err != nil || len(groups.SecurityGroups) != 1 {
		t.Fatalf("want one temporary group tagged with the build UUID: %v %v", groups, err)
	}
	perms := groups.SecurityGroups[0].IpPermissions
	if len(perms) != 1 {
		t.Fatalf("temporary group has %d ingress rules, want exactly one: %+v", len(perms), perms)
	}
	p := perms[0]
	var got []string
	for _, r := range p.IpRanges {
		got = append(got, aws.ToString(r.CidrIp))
	}
	for _, r := range p.Ipv6Ranges {
		got = append(got, aws.ToString(r.CidrIpv6))
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(cidrs))
	if aws.ToString(p.IpProtocol) != "tcp" || aws.ToInt32(p.FromPort) != int32(port) || aws.ToInt32(p.ToPort) != int32(port) ||
		!slices.Equal(got, want) || len(p.UserIdGroupPairs) != 0 || len(p.PrefixListIds) != 0 {
		t.Errorf("temporary group ingress %+v (sources %v): want only TCP %d from %v", p, got, port, want)
	}
}

// detector is a local public_ip_detection_url that counts its callers.
func detector(t *testing.T, answer string) (string, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		_, _ = w.Write([]byte(answer))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// TestDefaultSSHSourceIsTheRoute: with no CIDR option, SSH to a loopback
// ssh_host is admitted from this machine's address on that route alone,
// 127.0.0.1/32, on the SSH port alone; nothing asks a public-IP service.
func TestDefaultSSHSourceIsTheRoute(t *testing.T) {
	e := newBuildEnv(t)
	url, asked := detector(t, "198.51.100.7")
	hook := &runHook{fail: func() error { assertOnlySSHFrom(t, e.ec2, e.ssh.Port, "127.0.0.1/32"); return nil }}
	raw := e.template(map[string]any{"temporary_security_group_source_cidrs": nil, "public_ip_detection_url": url})
	if _, err, out := e.run(t, context.Background(), raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if asked.Load() != 0 || e.ssh.Refused.Load() != 0 {
		t.Errorf("public IP service asked %d times, SSH refused %d times: want 0 and 0", asked.Load(), e.ssh.Refused.Load())
	}
	e.assertNothingLeft(t)
}

// TestSSHSourceIsChosenOnceTheInstanceRuns: without ssh_host, the address
// dialled is the instance's (ssh_interface = private_ip, here a loopback
// address): the rule is added after the launch, from the route to it.
func TestSSHSourceIsChosenOnceTheInstanceRuns(t *testing.T) {
	e := newBuildEnv(t)
	e.proxy.SetFaults(ec2test.StrictPlus(ec2test.Faults{InstanceAddresses: map[string]string{"privateIpAddress": "127.0.0.1"}}))
	hook := &runHook{fail: func() error { assertOnlySSHFrom(t, e.ec2, e.ssh.Port, "127.0.0.1/32"); return nil }}
	raw := e.template(map[string]any{"temporary_security_group_source_cidrs": nil, "ssh_interface": "private_ip", "skip_create_ami": true})
	delete(raw, "ssh_host")
	if _, err, out := e.run(t, context.Background(), raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	calls := e.proxy.Requests("RunInstances", "AuthorizeSecurityGroupIngress")
	if len(calls) < 2 || calls[0].Action != "RunInstances" || calls[len(calls)-1].Action != "AuthorizeSecurityGroupIngress" {
		t.Errorf("the rule was not added after the launch: %v", actions(calls))
	}
	e.assertNothingLeft(t)
}

func actions(calls []ec2test.Request) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.Action)
	}
	return out
}

// TestPublicIPOptionDetectsAndFailsClearly:
// temporary_security_group_source_public_ip admits the detected public
// address whatever is dialled; when detection fails, the build stops
// before creating anything, naming the attribute to set.
func TestPublicIPOptionDetectsAndFailsClearly(t *testing.T) {
	e := newBuildEnv(t)
	url, asked := detector(t, "127.0.0.1\n")
	hook := &runHook{fail: func() error { assertOnlySSHFrom(t, e.ec2, e.ssh.Port, "127.0.0.1/32"); return nil }}
	raw := e.template(map[string]any{"temporary_security_group_source_cidrs": nil, "temporary_security_group_source_public_ip": true,
		"public_ip_detection_url": url})
	if _, err, out := e.run(t, context.Background(), raw, hook); err != nil || asked.Load() != 1 {
		t.Fatalf("build failed (%v) or did not ask the service once (%d)\n%s", err, asked.Load(), out)
	}
	e.assertNothingLeft(t)
	e.reset(t)
	raw["public_ip_detection_url"] = "http://127.0.0.1:1/"
	_, err, out := e.run(t, context.Background(), raw, &runHook{})
	if err == nil || !strings.Contains(err.Error(), "set temporary_security_group_source_cidrs") {
		t.Fatalf("err = %v, want the attribute to set\n%s", err, out)
	}
	if made := e.proxy.Requests("CreateSecurityGroup", "RunInstances", "ImportKeyPair"); len(made) > 2 {
		t.Errorf("the build created %v before failing to detect its address", actions(made))
	}
	e.assertNothingLeft(t)
}

// TestWrongSourceIsRefusedAtTheInstance: the local build instance enforces
// its groups, so a CIDR that does not hold this machine's address ends in
// an SSH timeout, not in a green build.
func TestWrongSourceIsRefusedAtTheInstance(t *testing.T) {
	e := newBuildEnv(t)
	raw := e.template(map[string]any{"temporary_security_group_source_cidrs": []string{"203.0.113.7/32"}, "ssh_timeout": "4s"})
	start := time.Now()
	_, err, out := e.run(t, context.Background(), raw, &runHook{commands: []string{"true"}})
	if err == nil || e.ssh.Refused.Load() == 0 {
		t.Fatalf("build with a wrong CIDR: err %v, %d connections refused; want a failed build\n%s", err, e.ssh.Refused.Load(), out)
	}
	t.Logf("failed after %s: %v", time.Since(start).Round(time.Second), err)
	e.assertNothingLeft(t)
}
