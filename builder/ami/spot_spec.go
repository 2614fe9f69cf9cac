package ami

import (
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"
)

// SpotSpec is what the template says about the Spot launch itself; the
// instance's own settings are the LaunchSpec both launch steps share.
type SpotSpec struct {
	// MaxPrice is spot_price; "auto" means no cap but the on-demand price.
	MaxPrice string
	// Types are the instance types the fleet may choose from, in order.
	Types    []string
	Strategy ec2types.SpotAllocationStrategy
	// SpotTags and FleetTags are spot_tags and fleet_tags, rendered at
	// build time; Tags are the build's base tags every resource gets.
	SpotTags, FleetTags, Tags map[string]string
	// Name names the launch template (the build's temporary-resource name).
	Name string
	// CapacityRetries are the pauses between CreateFleet attempts while EC2
	// has no Spot capacity: it often has some again moments later.
	CapacityRetries []time.Duration
	Ctx             interpolate.Context
}

// defaultCapacityRetries: three more attempts within about half a minute.
var defaultCapacityRetries = []time.Duration{5 * time.Second, 10 * time.Second, 15 * time.Second}

// spotSpec gathers the Spot settings of the template.
func (c *Config) spotSpec(tags map[string]string, name string) SpotSpec {
	return SpotSpec{
		MaxPrice: c.SpotPrice, Types: c.instanceTypes().Names,
		Strategy: ec2types.SpotAllocationStrategy(c.SpotAllocationStrategy),
		SpotTags: c.SpotTags, FleetTags: c.FleetTags, Tags: tags, Name: name,
		CapacityRetries: defaultCapacityRetries, Ctx: c.ctx,
	}
}

// spotTags are the tags of the Spot request and the launch template:
// spot_tags over the base tags, never without the build UUID.
func (s SpotSpec) spotTags(state multistep.StateBag) (map[string]string, error) {
	return s.render(state, "spot_tags", s.SpotTags)
}

// fleetTags are the fleet's tags: fleet_tags over the base tags.
func (s SpotSpec) fleetTags(state multistep.StateBag) (map[string]string, error) {
	return s.render(state, "fleet_tags", s.FleetTags)
}

func (s SpotSpec) render(state multistep.StateBag, attr string, m map[string]string) (map[string]string, error) {
	rendered, err := newRenderer(state, s.Ctx).renderMap(attr, m)
	if err != nil {
		return nil, err
	}
	return mergeTags(s.Tags, rendered, map[string]string{BuildUUIDTagKey: s.Tags[BuildUUIDTagKey]}), nil
}
