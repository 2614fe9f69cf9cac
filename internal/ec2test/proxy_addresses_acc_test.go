//go:build acc

package ec2test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// TestProxyRewritesInstanceAddresses: RunInstances and DescribeInstances
// answers carry the addresses the test chose, each in its own field.
func TestProxyRewritesInstanceAddresses(t *testing.T) {
	m := Start(t)
	p := StartProxy(t, m)
	c := proxyClient(p)
	ctx := context.Background()
	p.SetFaults(Faults{InstanceAddresses: map[string]string{"ipAddress": "127.0.0.2", "privateIpAddress": "127.0.0.3",
		"dnsName": "localhost", "privateDnsName": "ip6-localhost"}})
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(seedImage(t, c)), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(run.Instances[0].PrivateIpAddress); got != "127.0.0.3" {
		t.Errorf("RunInstances private IP = %s", got)
	}
	out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{*run.Instances[0].InstanceId}})
	if err != nil {
		t.Fatal(err)
	}
	i := out.Reservations[0].Instances[0]
	got := []string{aws.ToString(i.PublicIpAddress), aws.ToString(i.PrivateIpAddress), aws.ToString(i.PublicDnsName), aws.ToString(i.PrivateDnsName)}
	want := []string{"127.0.0.2", "127.0.0.3", "localhost", "ip6-localhost"}
	for k := range want {
		if got[k] != want[k] {
			t.Errorf("addresses = %v, want %v", got, want)
			break
		}
	}
}
