package ami

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// sshHost picks the instance address ssh_interface names; by default the
// public IP, else the private IP (an instance in a private subnet).
func sshHost(iface string, inst ec2types.Instance) (string, error) {
	if iface == sessionManager {
		return "", nil // SSH goes to the tunnel's local end (StepSessionTunnel)
	}
	candidates := map[string]*string{
		"public_ip":   inst.PublicIpAddress,
		"private_ip":  inst.PrivateIpAddress,
		"public_dns":  inst.PublicDnsName,
		"private_dns": inst.PrivateDnsName,
	}
	if iface != "" {
		if h := aws.ToString(candidates[iface]); h != "" {
			return h, nil
		}
		return "", fmt.Errorf("instance %s has no %s (ssh_interface = %q): choose another ssh_interface or set ssh_host",
			aws.ToString(inst.InstanceId), iface, iface)
	}
	for _, k := range []string{"public_ip", "private_ip"} {
		if h := aws.ToString(candidates[k]); h != "" {
			return h, nil
		}
	}
	return "", fmt.Errorf("instance %s has neither a public nor a private IP address to SSH to: set ssh_host", aws.ToString(inst.InstanceId))
}
