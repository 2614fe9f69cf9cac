package localcloud

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
)

// fleetLaunched registers and boots the instances an instant EC2 Fleet
// launched, like RunInstances' own. moto launches them from only part of
// the fleet's launch template: not its security groups (they land in the
// default group), network interfaces, volumes or metadata options. EC2
// applies the template's groups, and the gatekeeper admits connections by
// them, so the cloud first puts each instance in them.
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
	groups, err := c.moto.templateGroups(ctx, region, call.Params)
	if err != nil {
		c.logf("CreateFleet: the launch template's groups: %v (instances left in moto's default group)", err)
	}
	for _, id := range ids {
		if len(groups) > 0 {
			if err := c.moto.setGroups(ctx, region, id, groups); err != nil {
				c.logf("%s: putting it in the launch template's groups %v: %v", id, groups, err)
			}
		}
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

// templateGroups are the security groups of the launch template a
// CreateFleet call names: the template's own or its first network
// interface's.
func (m *motoClient) templateGroups(ctx context.Context, region string, fleet url.Values) ([]string, error) {
	params := url.Values{"Version.1": {fleet.Get("LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version")}}
	if id := fleet.Get("LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId"); id != "" {
		params.Set("LaunchTemplateId", id)
	} else {
		params.Set("LaunchTemplateName", fleet.Get("LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName"))
	}
	if params.Get("Version.1") == "" {
		params.Set("Version.1", "$Default")
	}
	body, err := m.call(ctx, region, "DescribeLaunchTemplateVersions", params)
	if err != nil {
		return nil, err
	}
	groups := ec2proxy.Elements(body, "groupId") // the interfaces' groupSet
	for _, m := range templateGroupIDs.FindAllSubmatch(templateGroupSet.Find(body), -1) {
		groups = append(groups, string(m[1]))
	}
	return unique(groups), nil
}

var (
	templateGroupSet = regexp.MustCompile(`(?s)<securityGroupIdSet>.*?</securityGroupIdSet>`)
	templateGroupIDs = regexp.MustCompile(`<item>(sg-[0-9a-f]+)</item>`)
)

// setGroups puts a running instance in the given groups.
func (m *motoClient) setGroups(ctx context.Context, region, id string, groups []string) error {
	params := url.Values{"InstanceId": {id}}
	for i, g := range groups {
		params.Set("GroupId."+strconv.Itoa(i+1), g)
	}
	_, err := m.call(ctx, region, "ModifyInstanceAttribute", params)
	return err
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
