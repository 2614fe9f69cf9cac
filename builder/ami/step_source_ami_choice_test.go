package ami

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func image(id, name, created, arch, virt string) ec2types.Image {
	return ec2types.Image{ImageId: aws.String(id), Name: aws.String(name), CreationDate: aws.String(created),
		Architecture: ec2types.ArchitectureValues(arch), VirtualizationType: ec2types.VirtualizationType(virt)}
}

func TestChooseImage(t *testing.T) {
	old := image("ami-old", "u-20240101", "2024-01-01T00:00:00.000Z", "x86_64", "hvm")
	newer := image("ami-new", "u-20230101", "2024-03-01T00:00:00.000Z", "x86_64", "hvm")
	tieA := image("ami-a", "u-20240207", "2024-03-01T00:00:00.000Z", "x86_64", "hvm")
	cases := []struct {
		name    string
		images  []ec2types.Image
		recent  bool
		want    string
		wantErr string
	}{
		{"none", nil, true, "", "no image matched source_ami_filter"},
		{"one", []ec2types.Image{old}, false, "ami-old", ""},
		{"several without most_recent", []ec2types.Image{old, newer}, false, "", "set most_recent = true"},
		{"newest by creation date, not name", []ec2types.Image{old, newer}, true, "ami-new", ""},
		{"tie broken by name", []ec2types.Image{newer, tieA}, true, "ami-a", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := chooseImage(tc.images, AMIFilter{MostRecent: tc.recent, Filters: map[string]string{"name": "u-*"}})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || aws.ToString(got.ImageId) != tc.want {
				t.Fatalf("got %s, %v; want %s", aws.ToString(got.ImageId), err, tc.want)
			}
		})
	}
}

func TestCompatible(t *testing.T) {
	x86 := ec2types.InstanceTypeInfo{InstanceType: "t3.micro",
		ProcessorInfo:                &ec2types.ProcessorInfo{SupportedArchitectures: []ec2types.ArchitectureType{"x86_64"}},
		SupportedVirtualizationTypes: []ec2types.VirtualizationType{"hvm"}}
	cases := []struct {
		img     ec2types.Image
		wantErr string
	}{
		{image("ami-1", "a", "", "x86_64", "hvm"), ""},
		{image("ami-2", "a", "", "arm64", "hvm"), "is arm64 but instance_type t3.micro runs [x86_64]"},
		{image("ami-3", "a", "", "x86_64", "paravirtual"), "uses paravirtual virtualization"},
	}
	for _, tc := range cases {
		err := compatible(tc.img, x86)
		if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%s: err %v, want %q", aws.ToString(tc.img.ImageId), err, tc.wantErr)
		}
	}
}

func TestSSHHost(t *testing.T) {
	full := ec2types.Instance{InstanceId: aws.String("i-1"), PublicIpAddress: aws.String("203.0.113.1"),
		PrivateIpAddress: aws.String("10.0.0.1"), PublicDnsName: aws.String("ec2-pub"), PrivateDnsName: aws.String("ip-10")}
	private := ec2types.Instance{InstanceId: aws.String("i-2"), PrivateIpAddress: aws.String("10.0.0.2")}
	cases := []struct {
		iface string
		inst  ec2types.Instance
		want  string
	}{
		{"", full, "203.0.113.1"},
		{"", private, "10.0.0.2"},
		{"private_ip", full, "10.0.0.1"},
		{"public_dns", full, "ec2-pub"},
		{"private_dns", full, "ip-10"},
		{"public_ip", private, ""},
		{"", ec2types.Instance{InstanceId: aws.String("i-3")}, ""},
	}
	for _, tc := range cases {
		got, err := sshHost(tc.iface, tc.inst)
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("sshHost(%q, %s) = %q, %v; want %q", tc.iface, aws.ToString(tc.inst.InstanceId), got, err, tc.want)
		}
	}
}

func subnet(id, az string, def bool, free int32) ec2types.Subnet {
	return ec2types.Subnet{SubnetId: aws.String(id), AvailabilityZone: aws.String(az), DefaultForAz: aws.Bool(def),
		AvailableIpAddressCount: aws.Int32(free)}
}

func TestSubnetChoice(t *testing.T) {
	subnets := []ec2types.Subnet{subnet("s-e", "us-east-1e", true, 10), subnet("s-b", "us-east-1b", false, 99), subnet("s-c", "us-east-1c", true, 5)}
	got, err := pickSubnetInZones(subnets, map[string]bool{"us-east-1b": true, "us-east-1c": true}, "vpc-1", "t3.micro")
	if err != nil || aws.ToString(got.SubnetId) != "s-c" {
		t.Errorf("pickSubnetInZones = %s, %v; want the default-for-zone subnet in an offering zone", aws.ToString(got.SubnetId), err)
	}
	if _, err := pickSubnetInZones(subnets, map[string]bool{"us-east-1f": true}, "vpc-1", "t3.micro"); err == nil ||
		!strings.Contains(err.Error(), "no subnet in a zone offering instance_type t3.micro") {
		t.Errorf("no offering zone: %v", err)
	}
	if got, _ := chooseSubnet(subnets, SubnetFilter{MostFree: true}); aws.ToString(got.SubnetId) != "s-b" {
		t.Errorf("most_free chose %s", aws.ToString(got.SubnetId))
	}
	if _, err := chooseSubnet(subnets, SubnetFilter{}); err == nil || !strings.Contains(err.Error(), "matched 3 subnets") {
		t.Errorf("ambiguous filter: %v", err)
	}
}

// TestRemoveKeyCommand runs the generated shell command on real files.
func TestRemoveKeyCommand(t *testing.T) {
	temp := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITemp/Key+Body= immutable-build-1"
	keep := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIUserKey user@laptop"
	for _, tc := range []struct{ name, before, after string }{
		{"removes only the temporary key", keep + "\n" + temp + "\n", keep + "\n"},
		{"file with only the temporary key", temp + "\n", ""},
		{"no file", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			path := filepath.Join(home, ".ssh", "authorized_keys")
			if tc.before != "" {
				_ = os.MkdirAll(filepath.Dir(path), 0o700)
				if err := os.WriteFile(path, []byte(tc.before), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command("sh", "-c", removeKeyCommand(keyBody([]byte(temp))))
			cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tc.after {
				t.Errorf("authorized_keys = %q, want %q", got, tc.after)
			}
			if fi, err := os.Stat(path); err == nil && fi.Mode().Perm() != 0o600 {
				t.Errorf("mode changed to %v", fi.Mode())
			}
		})
	}
}

// TestSourceCIDRs: configured CIDRs win; else only the detected address;
// a failing detection names the attribute to set. No internet: httptest.
func TestSourceCIDRs(t *testing.T) {
	answer := "198.51.100.7\n"
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(answer))
	}))
	defer srv.Close()
	ctx := context.Background()
	if got, _ := sourceCIDRs(ctx, srv.Client(), []string{"0.0.0.0/0"}, srv.URL); strings.Join(got, ",") != "0.0.0.0/0" {
		t.Errorf("explicit world-open CIDR not honoured: %v", got)
	}
	if got, err := sourceCIDRs(ctx, srv.Client(), nil, srv.URL); err != nil || strings.Join(got, ",") != "198.51.100.7/32" {
		t.Errorf("detected = %v, %v", got, err)
	}
	answer = "2001:db8::7"
	if got, _ := sourceCIDRs(ctx, srv.Client(), nil, srv.URL); strings.Join(got, ",") != "2001:db8::7/128" {
		t.Errorf("IPv6 detected = %v", got)
	}
	for _, bad := range []struct {
		status int
		body   string
	}{{http.StatusServiceUnavailable, ""}, {http.StatusOK, "<html>captive portal</html>"}} {
		status, answer = bad.status, bad.body
		if _, err := sourceCIDRs(ctx, srv.Client(), nil, srv.URL); err == nil || !strings.Contains(err.Error(), "set temporary_security_group_source_cidrs") {
			t.Errorf("status %d body %q: err %v", bad.status, bad.body, err)
		}
	}
	if _, err := sourceCIDRs(ctx, srv.Client(), nil, "http://127.0.0.1:1/"); err == nil {
		t.Error("unreachable detection service gave no error")
	}
}
