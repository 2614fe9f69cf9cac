package localcloud

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
)

// Handler is the cloud's endpoint: the EC2 API (moto behind the proxy,
// with this cloud as a hook), Session Manager sessions (the stand-in) and
// the cloud's own listing under /localcloud/.
func (c *Cloud) Handler() (http.Handler, *ec2proxy.Proxy) {
	proxy := ec2proxy.New(c.cfg.MotoURL)
	proxy.Use(c)
	mux := http.NewServeMux()
	mux.Handle("/localcloud/", c)
	// SSM's session calls and data channels go to the stand-in, every
	// other call (EC2, IAM, SSM parameters) to moto through the proxy.
	mux.Handle("/", c.ssm.Handler(proxy))
	return mux, proxy
}

// SSHPort is the port instances' SSH is reachable on: 22 if this machine
// lets us listen there on a loopback address, else a free port, the same
// for every instance of the cloud (localcloud/up.sh writes it to cloud.env
// as SSH_PORT for templates' ssh_port).
func SSHPort() (int, error) {
	probe := netip.AddrFrom4([4]byte{127, 63, 0, 22})
	if l, err := net.Listen("tcp", netip.AddrPortFrom(probe, 22).String()); err == nil {
		l.Close()
		return 22, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// BaseImages reads the image IDs of moto's seed list (localcloud/amis.json):
// the images whose disk is the base root.
func BaseImages(amisJSON string) ([]string, error) {
	data, err := os.ReadFile(amisJSON)
	if err != nil {
		return nil, err
	}
	var list []struct {
		ID string `json:"ami_id"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("%s: %w", amisJSON, err)
	}
	var ids []string
	for _, img := range list {
		ids = append(ids, img.ID)
	}
	return ids, nil
}
