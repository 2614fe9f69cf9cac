package ami

import (
	"testing"
)

// spotConfigCases are Spot settings and the errors Prepare must give.
var spotConfigCases = []struct {
	name string
	set  map[string]any
	want []string // "" alone: valid
}{
	{"auto", map[string]any{"spot_price": "auto"}, nil},
	{"a price", map[string]any{"spot_price": "0.0312"}, nil},
	{"zero is on demand, as in amazon-ebs", map[string]any{"spot_price": "0"}, nil},
	{"types instead of instance_type", map[string]any{"spot_price": "auto", "instance_type": "",
		"spot_instance_types": []string{"t3.micro", "t3a.micro"}}, nil},
	{"every strategy EC2 knows", map[string]any{"spot_price": "auto", "spot_allocation_strategy": "capacity-optimized-prioritized"}, nil},
	{"tags and tag blocks", map[string]any{"spot_price": "auto", "spot_tags": map[string]string{"a": "b"},
		"fleet_tag": []map[string]string{{"key": "team", "value": "web"}}}, nil},
	{"not a price", map[string]any{"spot_price": "cheap"}, []string{`spot_price "cheap" is not a price`, `spot_price = "auto"`}},
	{"negative price", map[string]any{"spot_price": "-1"}, []string{`spot_price "-1" is not a price`}},
	{"both type attributes", map[string]any{"spot_price": "auto", "spot_instance_types": []string{"t3.micro"}},
		[]string{"instance_type and spot_instance_types are both set"}},
	{"neither type attribute", map[string]any{"spot_price": "auto", "instance_type": ""}, []string{"instance_type is required"}},
	{"empty and repeated types", map[string]any{"spot_price": "auto", "instance_type": "",
		"spot_instance_types": []string{"t3.micro", "", "t3.micro"}},
		[]string{"spot_instance_types[1] is empty", `spot_instance_types lists "t3.micro" twice`}},
	{"spot attributes without spot_price", map[string]any{"instance_type": "", "spot_instance_types": []string{"t3.micro"},
		"spot_allocation_strategy": "lowest-price", "spot_tags": map[string]string{"a": "b"},
		"fleet_tag": []map[string]string{{"key": "team", "value": "web"}}},
		[]string{"spot_instance_types applies only to a Spot build: set spot_price", "spot_allocation_strategy applies only",
			"spot_tags applies only", "fleet_tags applies only"}},
	{"unknown strategy", map[string]any{"spot_price": "auto", "spot_allocation_strategy": "cheapest"},
		[]string{`spot_allocation_strategy "cheapest" is not one of`, `"price-capacity-optimized"`}},
	{"empty tag key", map[string]any{"spot_price": "auto", "spot_tags": map[string]string{"": "x"}}, []string{"spot_tags has an empty key"}},
	{"retired product", map[string]any{"spot_price": "auto", "spot_price_auto_product": "Linux/UNIX (Amazon VPC)"},
		[]string{"spot_price_auto_product is not supported, and no longer used", `set spot_price = "auto"`}},
	{"what a Spot Instance cannot do", map[string]any{"spot_price": "auto", "instance_type": "", "spot_instance_types": []string{"t2.micro", "t3.micro"},
		"ena_support": true, "disable_stop_instance": true, "enable_unlimited_credits": true, "capacity_reservation_preference": "open"},
		[]string{"ena_support and sriov_support are set on the stopped build instance", "disable_stop_instance: a Spot Instance",
			"enable_unlimited_credits: T2 Spot Instances", "capacity_reservation_preference/_id/_group_arn"}},
	{"nitro enclaves", map[string]any{"spot_price": "auto", "instance_type": "m5.xlarge", "enable_nitro_enclave": true},
		[]string{"enable_nitro_enclave is not supported for Spot Instances"}},
	{"every spot type is checked", map[string]any{"spot_price": "auto", "instance_type": "", "spot_instance_types": []string{"t3.micro", "m5.large"},
		"enable_unlimited_credits": true}, []string{`enable_unlimited_credits applies to burstable instance types (t2, t3, t3a, t4g), not "m5.large"`,
		"choose a burstable spot_instance_types"}},
	{"retired spot blocks", map[string]any{"spot_price": "auto", "block_duration_minutes": 60},
		[]string{"block_duration_minutes is not supported: it asks for a Spot block", "retired on 31 December 2022", "remove spot_price"}},
}

// TestSpotConfigPrepareReportsEveryProblem: every Spot attribute is
// checked, each error names it and the fix, all of them at once.
func TestSpotConfigPrepareReportsEveryProblem(t *testing.T) {
	for _, tc := range spotConfigCases {
		t.Run(tc.name, func(t *testing.T) {
			m := minimalTemplate()
			for k, v := range tc.set {
				m[k] = v
				if v == "" {
					delete(m, k)
				}
			}
			checkPrepare(t, m, tc.want)
		})
	}
}

// TestSpotConfigDefaultsAndTagBlocks: price-capacity-optimized by default;
// tag blocks join the maps, a block winning over the map for its key; an
// on-demand build has no Spot strategy.
func TestSpotConfigDefaultsAndTagBlocks(t *testing.T) {
	m := minimalTemplate()
	m["spot_price"] = "auto"
	m["spot_tags"] = map[string]string{"team": "map", "cost": "ci"}
	m["spot_tag"] = []map[string]string{{"key": "team", "value": "block"}}
	m["fleet_tags"] = map[string]string{"From": "{{ .SourceAMI }}"}
	var c Config
	if err := c.Prepare(m); err != nil {
		t.Fatal(err)
	}
	if !c.IsSpot() || c.SpotAllocationStrategy != "price-capacity-optimized" {
		t.Errorf("spot %v, strategy %q: want a Spot build, price-capacity-optimized", c.IsSpot(), c.SpotAllocationStrategy)
	}
	if c.SpotTags["team"] != "block" || c.SpotTags["cost"] != "ci" {
		t.Errorf("spot_tags %v: want the block's team and the map's cost", c.SpotTags)
	}
	if c.FleetTags["From"] != "{{ .SourceAMI }}" {
		t.Errorf("fleet_tags %v: want the template left for build time", c.FleetTags)
	}
	var od Config
	if err := od.Prepare(minimalTemplate()); err != nil || od.IsSpot() || od.SpotAllocationStrategy != "" {
		t.Errorf("on demand: spot %v, strategy %q, %v", od.IsSpot(), od.SpotAllocationStrategy, err)
	}
	if types := c.instanceTypes(); types.Attr != "instance_type" || types.Names[0] != "t3.micro" {
		t.Errorf("instance types %v: want instance_type t3.micro", types)
	}
	c.SpotInstanceTypes = []string{"t3a.micro"}
	if types := c.instanceTypes(); types.String() != "spot_instance_types t3a.micro" {
		t.Errorf("instance types %q", types)
	}
}
