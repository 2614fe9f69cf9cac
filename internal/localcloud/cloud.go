// Package localcloud turns EC2 calls into real local instances. It is a
// hook of the EC2 proxy (internal/ec2proxy) in front of moto: RunInstances
// boots one instance per ID — an overlay root over its image's layers, in
// its own mount, PID, UTS, IPC and network namespaces — Stop/Start/Reboot/
// TerminateInstances stop and boot it, CreateImage turns its disk into the
// image's layer, and answers carry loopback addresses where a gatekeeper
// forwards a connection into the instance only if its security groups
// admit it. Test and demo support (localcloud/up.sh starts it); never
// linked into the plugin binary.
package localcloud

import (
	"fmt"
	"log"
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"sync"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localssm"
)

// Config says where the cloud keeps its state and finds what it boots.
type Config struct {
	// Dir holds the instances' disks (instances/ID) and the images'
	// layers (layers/ID); it is the cloud's folder.
	Dir string
	// MotoURL is moto's endpoint, for the cloud's own lookups.
	MotoURL string
	// BaseRoot is the unpacked Debian root: the disk of BaseImages.
	BaseRoot   string
	BaseImages []string
	// AptMirror is the local apt repository instances install from.
	AptMirror string
	// BootScript boots an instance (localcloud/instance/boot.sh); Init is
	// the program it runs as the instance's PID 1 (this binary).
	BootScript, Init string
	// SSHPort is where an instance's port 22 is reachable: 22, unless
	// this machine cannot listen there on loopback addresses.
	SSHPort int
	Log     *log.Logger
}

// Cloud is the local cloud's state: instances and images by ID.
type Cloud struct {
	cfg   Config
	moto  *motoClient
	spawn *spawner
	// ssm is the Session Manager stand-in for this cloud's instances.
	ssm *localssm.StandIn
	// layerMu: a layer being made is never collected half-way.
	layerMu sync.Mutex

	mu        sync.Mutex
	instances map[string]*Instance
	images    map[string]*image
	addrs     map[netip.Addr]bool
	// fleets maps an instant fleet to the instances it launched.
	fleets map[string][]string
}

// New returns a cloud with the base images known and nothing running.
func New(cfg Config) *Cloud {
	c := &Cloud{cfg: cfg, moto: newMotoClient(cfg.MotoURL), spawn: newSpawner()}
	c.ssm = c.newStandIn()
	c.reset()
	return c
}

func (c *Cloud) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.instances = map[string]*Instance{}
	c.images = map[string]*image{}
	c.addrs = map[netip.Addr]bool{}
	c.fleets = map[string][]string{}
	for _, id := range c.cfg.BaseImages {
		c.images[id] = &image{ID: id}
	}
}

// Reset stops every instance and forgets every image (moto was reset).
func (c *Cloud) Reset() {
	c.ssm.Close()
	c.Shutdown()
	c.reset()
	c.gcLayers()
}

func (c *Cloud) logf(format string, args ...any) {
	if c.cfg.Log != nil {
		c.cfg.Log.Printf(format, args...)
	}
}

// newAddressLocked picks a loopback address no other instance of this cloud
// has: all of 127.0.0.0/8 reaches this machine on Linux, so connections to
// it need no route or interface on the host. Random in 127.64-254.x.y, so
// clouds running side by side practically never pick the same.
func (c *Cloud) newAddressLocked() netip.Addr {
	for {
		a := netip.AddrFrom4([4]byte{127, byte(64 + rand.IntN(191)), byte(rand.IntN(256)), byte(1 + rand.IntN(254))})
		if !c.addrs[a] {
			c.addrs[a] = true
			return a
		}
	}
}

func (c *Cloud) instanceDir(id string) string { return filepath.Join(c.cfg.Dir, "instances", id) }
func (c *Cloud) layerDir(id string) string    { return filepath.Join(c.cfg.Dir, "layers", id) }

func (c *Cloud) instance(id string) *Instance {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.instances[id]
}

// Shutdown stops every instance (their disks stay) and waits for them.
func (c *Cloud) Shutdown() {
	c.ssm.Close()
	c.mu.Lock()
	var all []*Instance
	for _, in := range c.instances {
		if in.phase == phaseBooting || in.phase == phaseRunning {
			in.phase = phaseStopping
			all = append(all, in)
		}
	}
	c.mu.Unlock()
	var wg sync.WaitGroup
	for _, in := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.stop(in, phaseStopped); err != nil {
				c.logf("%s: %v", in.ID, err)
			}
		}()
	}
	wg.Wait()
}

func errorf(id, format string, args ...any) error {
	return fmt.Errorf("instance %s: "+format, append([]any{id}, args...)...)
}
