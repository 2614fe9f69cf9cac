package localcloud

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
)

// fleetLaunched registers and boots the instances an instant EC2 Fleet
// launched, like RunInstances' own. The fleet's answer names only their
// IDs, so each is read from moto, where the proxy has already put it in
// its launch template's security groups, as EC2 does.
func (c *Cloud) fleetLaunched(call *ec2proxy.Call, body []byte) {
	ids := ec2proxy.FleetInstanceIDs(body)
	if len(ids) == 0 {
		return
	}
	c.mu.Lock()
	c.fleets[ec2proxy.Element(body, "fleetId")] = ids
	c.mu.Unlock()
	region := regionOf(call)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, id := range ids {
		item, err := c.moto.instance(ctx, region, id)
		if err != nil {
			c.logf("%s: launched by a fleet but not found: %v", id, err)
			continue
		}
		c.register(region, item)
	}
}

// fleetsDeleted terminates the instances of the deleted fleets when the
// call says so (for an instant fleet it must: EC2 does not keep an instant
// fleet's instances without it).
func (c *Cloud) fleetsDeleted(call *ec2proxy.Call) {
	if call.Params.Get("TerminateInstances") != "true" {
		return
	}
	for k, vs := range call.Params {
		if !strings.HasPrefix(k, "FleetId.") {
			continue
		}
		for _, fleet := range vs {
			c.mu.Lock()
			ids := c.fleets[fleet]
			c.mu.Unlock()
			c.eachOf(call.Action, ids, notGone, phaseTerminating, func(in *Instance) error { return c.stop(in, phaseTerminated) })
		}
	}
}

// instance is one instance's item as DescribeInstances answers it.
func (m *motoClient) instance(ctx context.Context, region, id string) (ec2proxy.InstanceItem, error) {
	body, err := m.call(ctx, region, "DescribeInstances", url.Values{"InstanceId.1": {id}})
	if err != nil {
		return ec2proxy.InstanceItem{}, err
	}
	items := ec2proxy.Instances(body)
	if len(items) != 1 {
		return ec2proxy.InstanceItem{}, fmt.Errorf("DescribeInstances %s: %d instances in the answer", id, len(items))
	}
	return items[0], nil
}
