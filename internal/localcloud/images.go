package localcloud

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
)

// image is an image's disk: its read-only layers, top first, over the base
// root (no layers: the base root alone, as for the images in amis.json).
type image struct {
	ID     string
	Layers []string
}

// imaged gives the image CreateImage made its disk.
func (c *Cloud) imaged(call *ec2proxy.Call, body []byte) {
	id, in := ec2proxy.Element(body, "imageId"), c.instance(call.Params.Get("InstanceId"))
	if id == "" || in == nil {
		return
	}
	if err := c.createImage(in, id); err != nil {
		c.logf("CreateImage %s: %v", id, err)
	}
}

// createImage turns the instance's disk into the image's top layer. From a
// stopped instance the disk is not copied: its upper directory becomes the
// layer, and the instance gets a fresh upper over the image's layers if it
// starts again. From a running one it is copied as it is at that moment
// (like no_reboot: crash-consistent).
func (c *Cloud) createImage(in *Instance, id string) error {
	if !in.hasDisk {
		c.logf("%s: image %s of %s has no local disk either", in.ID, id, in.ImageID)
		return nil
	}
	in.op.Lock() // after a stop or boot in progress
	defer in.op.Unlock()
	c.layerMu.Lock()
	defer c.layerMu.Unlock()
	layer, dir := c.layerDir(id), c.instanceDir(in.ID)
	upper := filepath.Join(dir, "upper")
	if err := os.MkdirAll(filepath.Dir(layer), 0o755); err != nil {
		return err
	}
	c.mu.Lock()
	running := in.proc != nil
	c.mu.Unlock()
	if running {
		if out, err := exec.Command("cp", "-a", upper, layer).CombinedOutput(); err != nil {
			return fmt.Errorf("copying %s's disk: %v: %s", in.ID, err, out)
		}
	} else if err := moveDisk(upper, filepath.Join(dir, "work"), layer); err != nil {
		return fmt.Errorf("%s's disk: %w", in.ID, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	layers := append([]string{layer}, in.layers...)
	c.images[id] = &image{ID: id, Layers: layers}
	if !running {
		in.layers = layers
	}
	c.logf("%s: image %s made of its disk (%d layers over the base root)", in.ID, id, len(layers))
	return nil
}

// moveDisk renames upper to layer and leaves an empty upper and work.
func moveDisk(upper, work, layer string) error {
	if err := os.Rename(upper, layer); err != nil {
		return err
	}
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	for _, d := range []string{upper, work} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// copied gives a copy the layers of its source: no disk is copied.
func (c *Cloud) copied(call *ec2proxy.Call, body []byte) {
	id, src := ec2proxy.Element(body, "imageId"), call.Params.Get("SourceImageId")
	c.mu.Lock()
	defer c.mu.Unlock()
	if img := c.images[src]; img != nil && id != "" {
		c.images[id] = &image{ID: id, Layers: append([]string(nil), img.Layers...)}
	}
}

// deregistered forgets the image; its layers go once nothing uses them.
func (c *Cloud) deregistered(call *ec2proxy.Call) {
	c.mu.Lock()
	delete(c.images, call.Params.Get("ImageId"))
	c.mu.Unlock()
	c.gcLayers()
}

// gcLayers removes every layer no image and no instance that is not
// terminated stands on.
func (c *Cloud) gcLayers() {
	c.layerMu.Lock()
	defer c.layerMu.Unlock()
	used := map[string]bool{}
	c.mu.Lock()
	for _, img := range c.images {
		for _, l := range img.Layers {
			used[l] = true
		}
	}
	for _, in := range c.instances {
		if in.phase != phaseTerminated {
			for _, l := range in.layers {
				used[l] = true
			}
		}
	}
	c.mu.Unlock()
	entries, _ := os.ReadDir(filepath.Join(c.cfg.Dir, "layers"))
	for _, e := range entries {
		if layer := c.layerDir(e.Name()); !used[layer] {
			if err := os.RemoveAll(layer); err != nil {
				c.logf("removing layer %s: %v", layer, err)
			} else {
				c.logf("layer %s removed: no image or instance uses it", e.Name())
			}
		}
	}
}
