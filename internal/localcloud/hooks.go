package localcloud

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
)

// Before refuses to start an instance that is still stopping, as EC2 does.
func (c *Cloud) Before(call *ec2proxy.Call) *ec2proxy.Answer {
	if call.Action != "StartInstances" {
		return nil
	}
	for _, id := range ec2proxy.InstanceIDs(call.Params) {
		if in := c.instance(id); in != nil && c.phaseOf(in) == phaseStopping {
			return ec2proxy.ErrorAnswer(http.StatusBadRequest, "IncorrectInstanceState",
				"The instance '"+id+"' is not in a state from which it can be started.")
		}
	}
	return nil
}

// After makes moto's answer come true: instances boot, stop and go away,
// images get disks, and instance answers carry reachable addresses.
func (c *Cloud) After(call *ec2proxy.Call, body []byte) []byte {
	switch call.Action {
	case "RunInstances":
		return c.launched(call, body)
	case "CreateFleet":
		c.fleetLaunched(call, body)
	case "DeleteFleets":
		c.fleetsDeleted(call)
	case "DescribeInstances":
		return c.describe(body)
	case "StopInstances":
		c.each(call, alive, phaseStopping, func(in *Instance) error { return c.stop(in, phaseStopped) })
	case "TerminateInstances":
		c.each(call, notGone, phaseTerminating, func(in *Instance) error { return c.stop(in, phaseTerminated) })
	case "StartInstances":
		c.each(call, stopped, phaseBooting, c.boot)
	case "RebootInstances":
		c.each(call, alive, phaseBooting, c.reboot)
	case "CreateImage":
		c.imaged(call, body)
	case "CopyImage":
		c.copied(call, body)
	case "DeregisterImage":
		c.deregistered(call)
	}
	return body
}

func alive(p phase) bool   { return p == phaseBooting || p == phaseRunning }
func stopped(p phase) bool { return p == phaseStopped }
func notGone(p phase) bool { return p != phaseTerminating && p != phaseTerminated }

// each sets the phase of the call's instances that are in a phase from
// which the call applies, at once (so the next DescribeInstances shows it),
// and does the work in the background.
func (c *Cloud) each(call *ec2proxy.Call, from func(phase) bool, p phase, work func(*Instance) error) {
	c.eachOf(call.Action, ec2proxy.InstanceIDs(call.Params), from, p, work)
}

// eachOf is each for the given instances.
func (c *Cloud) eachOf(action string, ids []string, from func(phase) bool, p phase, work func(*Instance) error) {
	for _, id := range ids {
		in := c.instance(id)
		if in == nil {
			continue
		}
		c.mu.Lock()
		applies := from(in.phase)
		if applies {
			in.phase = p
		}
		c.mu.Unlock()
		if !applies {
			continue
		}
		go func() {
			if err := work(in); err != nil {
				c.logf("%s: %v", action, err)
			}
		}()
	}
}

func (c *Cloud) reboot(in *Instance) error {
	if err := c.stop(in, phaseBooting); err != nil {
		return err
	}
	return c.boot(in)
}

// launched registers and boots the instances RunInstances made.
func (c *Cloud) launched(call *ec2proxy.Call, body []byte) []byte {
	region := regionOf(call)
	for _, it := range ec2proxy.Instances(body) {
		c.register(region, it)
	}
	return c.describe(body)
}

func regionOf(call *ec2proxy.Call) string {
	if call.Region == "" {
		return "us-east-1"
	}
	return call.Region
}

// register gives a new instance (its item in an EC2 answer) a disk and
// addresses, and boots it.
func (c *Cloud) register(region string, it ec2proxy.InstanceItem) {
	in := &Instance{ID: it.ID, Region: region, ImageID: ec2proxy.Element(it.XML, "imageId"),
		Hostname: ec2Hostname(ec2proxy.Element(it.XML, "privateIpAddress"), it.ID), phase: phaseBooting}
	if name := ec2proxy.Element(it.XML, "keyName"); name != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		key, err := c.moto.publicKey(ctx, region, name)
		cancel()
		if err != nil {
			c.logf("%s: launch key pair %s: %v (no key installed)", in.ID, name, err)
		}
		in.launchKey = key
	}
	c.mu.Lock()
	if img := c.images[in.ImageID]; img != nil {
		in.layers, in.hasDisk = append([]string(nil), img.Layers...), true
	}
	in.Public, in.Private = c.newAddressLocked(), c.newAddressLocked()
	c.instances[in.ID] = in
	c.mu.Unlock()
	go func() {
		if err := c.boot(in); err != nil {
			c.logf("%v", err)
		}
	}()
}

// ec2Hostname is EC2's default host name for a private address.
func ec2Hostname(private, id string) string {
	if private == "" {
		return id
	}
	return "ip-" + strings.ReplaceAll(private, ".", "-")
}

// describe puts each known instance's loopback addresses in the answer,
// and holds its state back while it boots, stops or shuts down.
func (c *Cloud) describe(body []byte) []byte {
	return ec2proxy.EachInstance(body, func(it ec2proxy.InstanceItem) []byte {
		in := c.instance(it.ID)
		if in == nil {
			return it.XML
		}
		x := ec2proxy.RewriteElements(it.XML, map[string]string{
			"ipAddress": in.Public.String(), "publicIp": in.Public.String(), "privateIpAddress": in.Private.String()})
		switch state := ec2proxy.InstanceState(x); {
		case c.phaseOf(in) == phaseBooting && (state == "running" || state == "pending"):
			return ec2proxy.SetInstanceState(x, "0", "pending")
		case c.phaseOf(in) == phaseStopping && state == "stopped":
			return ec2proxy.SetInstanceState(x, "64", "stopping")
		case c.phaseOf(in) == phaseTerminating && state == "terminated":
			return ec2proxy.SetInstanceState(x, "32", "shutting-down")
		}
		return x
	})
}

func (c *Cloud) phaseOf(in *Instance) phase {
	c.mu.Lock()
	defer c.mu.Unlock()
	return in.phase
}
