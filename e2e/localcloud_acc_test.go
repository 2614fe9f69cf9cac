//go:build acc

package e2e

import (
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloud"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloudtest"
)

// TestLocalCloudInstances checks what a local instance promises, as TestLoop
// and `make demo` rely on: cloud-init's part (ubuntu with passwordless sudo,
// EC2's host name, the launch key pair and no other), no network out but
// apt from the local mirror, security groups read when a connection comes
// (rules added or revoked after launch count, the real source address is
// checked), two instances serving the same port side by side, and nothing
// of them on the host.
func TestLocalCloudInstances(t *testing.T) {
	hostBefore := hostNetwork(t)
	c, work, mine, in := cloudWithInstance(t, "mine", "other")
	other := filepath.Join(work, "other")
	pub, _ := os.ReadFile(mine + ".pub")

	out, err := sshRun(c, in, mine, "ubuntu", "sudo -n id -u && hostname && cat ~/.ssh/authorized_keys")
	if want := "0\n" + in.Hostname + "\n" + string(pub); err != nil || out != want || !strings.HasPrefix(in.Hostname, "ip-") {
		t.Fatalf("ssh ubuntu@%s with the launch key: %v, output %q; want %q", in.PublicIP, err, out, want)
	}
	if out, err := sshRun(c, in, other, "ubuntu", "true"); err == nil || !strings.Contains(out, "Permission denied") {
		t.Fatalf("a key pair of the region that did not launch the instance got in (err %v, output %q)", err, out)
	}

	// As on an Ubuntu AMI, cloud-init still holds apt's locks when SSH
	// first answers (instance/ubuntu): wait for it before apt.
	out, err = sshRun(c, in, mine, "ubuntu", "cloud-init status --wait >/dev/null; curl -sS -m 5 http://151.101.2.132/ 2>&1; echo curl exit $?; "+
		"sudo apt-get -q update && sudo DEBIAN_FRONTEND=noninteractive apt-get -q -y install tree >/dev/null && tree --version")
	if err != nil || !strings.Contains(out, "curl exit 7") || !strings.Contains(out, "file:/run/localcloud/apt") || !strings.Contains(out, "tree v2") {
		t.Fatalf("want no way out (curl exit 7) and tree installed from the local mirror; got %v:\n%s", err, out)
	}

	group := checkGroupRules(t, c, in, mine)
	checkSideBySide(t, c, in, mine, group)

	if after := hostNetwork(t); after != hostBefore {
		t.Errorf("the host's interfaces, addresses or routes changed:\nbefore:\n%s\nafter:\n%s", hostBefore, after)
	}
	if mounts, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(mounts), c.Dir) {
		t.Errorf("the host's mount table shows the cloud's folder %s:\n%s", c.Dir, mounts)
	}
}

// checkGroupRules serves port 8080 in the instance and changes its group
// while it runs; it returns the group's ID.
func checkGroupRules(t *testing.T, c *localcloudtest.Cloud, in localcloud.InstanceInfo, key string) string {
	t.Helper()
	serve(t, c, in, key, 8080)
	if page, err := get(in.PublicIP, 8080); err == nil {
		t.Fatalf("port 8080 answered before any rule admitted it: %.60q", page)
	}
	group := groupOf(t, c, in.ID)
	c.Authorize(t, group, "127.0.0.1/32", 8080)
	for _, addr := range []string{in.PublicIP, in.PrivateIP} {
		if page, err := get(addr, 8080); err != nil || !strings.Contains(page, in.Hostname) {
			t.Fatalf("port 8080 on %s after a rule admitted it: %v %.60q", addr, err, page)
		}
	}
	if _, err := getFrom("127.0.0.2", in.PublicIP, 8080); err == nil {
		t.Errorf("a connection from 127.0.0.2 got in; the rule admits 127.0.0.1/32 only")
	}
	revoke(t, c, group, "127.0.0.1/32", 8080)
	c.Authorize(t, group, "10.0.0.0/8", 8080)
	if page, err := get(in.PublicIP, 8080); err == nil {
		t.Errorf("port 8080 answered after its rule was revoked (a 10.0.0.0/8 one left): %.60q", page)
	}
	c.Authorize(t, group, "127.0.0.0/8", 8080)
	if _, err := getFrom("127.0.0.2", in.PublicIP, 8080); err != nil {
		t.Errorf("from 127.0.0.2 with 127.0.0.0/8 admitted: %v", err)
	}
	return group
}

// checkSideBySide launches a second instance of the same image, serving
// the same port: each answers on its own address with its own page.
func checkSideBySide(t *testing.T, c *localcloudtest.Cloud, in localcloud.InstanceInfo, key, group string) {
	t.Helper()
	twin := c.Launch(t, localcloudtest.BaseImage, "mine", group)
	serve(t, c, twin, key, 8080)
	for _, i := range []localcloud.InstanceInfo{in, twin} {
		if page, err := get(i.PublicIP, 8080); err != nil || !strings.Contains(page, i.Hostname) {
			t.Errorf("instance %s on %s:8080: %v %.60q; want its own page (%s)", i.ID, i.PublicIP, err, page, i.Hostname)
		}
	}
	if twin.PublicIP == in.PublicIP || twin.Hostname == in.Hostname {
		t.Errorf("two instances share an address or a host name: %+v %+v", in, twin)
	}
}

// serve starts a web server on port in the instance, showing its host
// name, and waits until the local cloud sees it listen.
func serve(t *testing.T, c *localcloudtest.Cloud, in localcloud.InstanceInfo, key string, port int) {
	t.Helper()
	cmd := "mkdir -p /tmp/www && hostname >/tmp/www/index.html || exit; nohup python3 -m http.server " +
		strconv.Itoa(port) + " --directory /tmp/www </dev/null >/dev/null 2>&1 &"
	if out, err := sshRun(c, in, key, "ubuntu", cmd); err != nil {
		t.Fatalf("starting a web server in %s: %v\n%s", in.ID, err, out)
	}
	for i := 0; !contains(c.Instance(t, in.ID).Listening, port); i++ {
		if i == 100 {
			t.Fatalf("the local cloud does not see port %d listening in %s", port, in.ID)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// getFrom is get from a chosen source address.
func getFrom(src, address string, port int) (string, error) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
	resp, err := client.Get("http://" + address + ":" + strconv.Itoa(port) + "/")
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	return resp.Status, nil
}

func groupOf(t *testing.T, c *localcloudtest.Cloud, id string) string {
	t.Helper()
	out, err := c.EC2().DescribeInstances(localcloudtest.Ctx(t), &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Reservations[0].Instances[0].SecurityGroups[0].GroupId)
}

func revoke(t *testing.T, c *localcloudtest.Cloud, group, cidr string, port int32) {
	t.Helper()
	_, err := c.EC2().RevokeSecurityGroupIngress(localcloudtest.Ctx(t), &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(group),
		IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port),
			IpRanges: []types.IpRange{{CidrIp: aws.String(cidr)}}}}})
	if err != nil {
		t.Fatalf("revoking %s to %d: %v", cidr, port, err)
	}
}

// hostNetwork is the host's interfaces, addresses and routes.
func hostNetwork(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, args := range [][]string{{"-o", "link"}, {"-o", "addr"}, {"route"}, {"-6", "route"}} {
		out, err := exec.Command("ip", args...).Output()
		if err != nil {
			t.Fatalf("ip %v: %v", args, err)
		}
		b.Write(out)
	}
	return b.String()
}

func assertGone(t *testing.T, pid int, what string) {
	t.Helper()
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("%s (pid %d) still runs (kill -0: %v)", what, pid, err)
	}
}
