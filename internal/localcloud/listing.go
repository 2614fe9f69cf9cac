package localcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"sort"
	"time"
)

// InstanceInfo is what GET /localcloud/instances says about an instance:
// where it is reachable and where its disk is.
type InstanceInfo struct {
	ID        string   `json:"id"`
	Image     string   `json:"image"`
	Region    string   `json:"region"`
	Phase     string   `json:"phase"`
	Hostname  string   `json:"hostname"`
	PublicIP  string   `json:"public_ip"`
	PrivateIP string   `json:"private_ip"`
	PID       int      `json:"pid,omitempty"`  // its init, on the host
	Root      string   `json:"root,omitempty"` // its root as the host sees it, while it runs
	Disk      string   `json:"disk"`           // its own layer (overlay upper directory)
	Layers    []string `json:"layers"`         // its image's layers, top first, over the base root
	Listening []int    `json:"listening"`      // ports it listens on (all addresses), forwarded by its gate
	URLs      []string `json:"urls"`           // one per port range its groups open to this machine (?urls=1)
}

// ImageInfo is what GET /localcloud/images says about an image's disk.
type ImageInfo struct {
	ID     string   `json:"id"`
	Layers []string `json:"layers"`
}

// ServeHTTP answers GET /localcloud/instances (?urls=1 to fill in URLs,
// which reads the instances' groups from EC2) and /localcloud/images.
func (c *Cloud) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var v any
	switch r.URL.Path {
	case "/localcloud/instances":
		v = c.instanceInfos(r.Context(), r.URL.Query().Get("urls") != "")
	case "/localcloud/images":
		v = c.imageInfos()
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (c *Cloud) instanceInfos(ctx context.Context, withURLs bool) []InstanceInfo {
	c.mu.Lock()
	var out []InstanceInfo
	for _, in := range c.instances {
		info := InstanceInfo{ID: in.ID, Image: in.ImageID, Region: in.Region, Phase: string(in.phase),
			Hostname: in.Hostname, PublicIP: in.Public.String(), PrivateIP: in.Private.String(),
			Disk: c.instanceDir(in.ID) + "/upper", Layers: append([]string{}, in.layers...), Listening: []int{}, URLs: []string{}}
		if in.proc != nil {
			info.PID, info.Root = in.proc.Pid, fmt.Sprintf("/proc/%d/root", in.proc.Pid)
		}
		if in.gate != nil {
			info.Listening = in.gate.ports()
		}
		out = append(out, info)
	}
	c.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	for i := range out {
		if withURLs && out[i].Phase == string(phaseRunning) {
			out[i].URLs = c.urls(ctx, c.instance(out[i].ID))
		}
	}
	return out
}

// urls names, for each port range the instance's groups open to this
// machine (127.0.0.1), where to reach it.
func (c *Cloud) urls(ctx context.Context, in *Instance) []string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	groups, err := c.securityGroups(ctx, in)
	if err != nil {
		return []string{"(reading its security groups: " + err.Error() + ")"}
	}
	urls := []string{}
	for _, pr := range OpenPorts(groups, netip.MustParseAddr("127.0.0.1")) {
		switch {
		case pr.From == 22 && pr.To == 22:
			urls = append(urls, fmt.Sprintf("ssh://%s:%d", in.Public, c.cfg.SSHPort))
		case pr.From == pr.To:
			urls = append(urls, fmt.Sprintf("http://%s:%d/", in.Public, pr.From))
		default:
			urls = append(urls, fmt.Sprintf("%s:%s (tcp)", in.Public, pr))
		}
	}
	return urls
}

func (c *Cloud) imageInfos() []ImageInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []ImageInfo{}
	for _, img := range c.images {
		out = append(out, ImageInfo{ID: img.ID, Layers: append([]string{}, img.Layers...)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ports lists the instance ports the gate forwards now.
func (g *gate) ports() []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := []int{}
	for p := range g.listeners {
		out = append(out, p)
	}
	sort.Ints(out)
	return out
}
