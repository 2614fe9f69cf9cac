package ami

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

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
