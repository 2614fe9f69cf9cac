//go:generate go tool packer-sdc struct-markdown

package ami

import "github.com/hashicorp/packer-plugin-sdk/template/config"

// SpotConfig launches the build instance as a Spot Instance, the way
// amazon-ebs does: a temporary launch template and an instant EC2 Fleet
// (CreateFleet of type instant) for one instance. A Spot build is cheaper
// but EC2 may take the instance back at any time; the build then fails with
// an error saying so, and leaves nothing behind.
type SpotConfig struct {
	// The maximum hourly price in US dollars for the Spot Instance, e.g.
	// `"0.05"`, or `"auto"` for at most the on-demand price of the instance
	// type (EC2's own default cap; you pay the current Spot price, never
	// more than the cap). Setting it makes the build a Spot build; unset or
	// `"0"` (as in amazon-ebs) means an on-demand instance.
	SpotPrice string `mapstructure:"spot_price" required:"false"`
	// Instance types EC2 may choose from for the Spot Instance, in place of
	// instance_type (set one or the other). Each type is another capacity
	// pool, so listing several makes a launch more likely to find capacity.
	// All of them must be able to boot the source AMI. Requires spot_price.
	SpotInstanceTypes []string `mapstructure:"spot_instance_types" required:"false"`
	// How the fleet picks among the Spot capacity pools (the instance types
	// in the chosen zone): `price-capacity-optimized` (default, unlike
	// amazon-ebs, which leaves EC2's default `lowest-price`: the pools least
	// likely to be interrupted soon, the cheapest of them — what AWS
	// recommends, and an interruption costs a whole build),
	// `capacity-optimized`, `capacity-optimized-prioritized` (the order of
	// spot_instance_types is their priority), `lowest-price` or
	// `diversified`. Requires spot_price.
	SpotAllocationStrategy string `mapstructure:"spot_allocation_strategy" required:"false"`
	// Tags for the Spot request (and, as in amazon-ebs, for the temporary
	// launch template). Values may use `{{ .SourceAMI }}` and friends.
	// Requires spot_price.
	SpotTags map[string]string `mapstructure:"spot_tags" required:"false"`
	// Same as spot_tags, as repeatable `spot_tag { key = "…" value = "…" }`
	// blocks; a key set in both takes the block's value.
	SpotTag config.KeyValues `mapstructure:"spot_tag" required:"false"`
	// Tags for the EC2 Fleet that launches the instance. Values may use
	// `{{ .SourceAMI }}` and friends. Requires spot_price.
	FleetTags map[string]string `mapstructure:"fleet_tags" required:"false"`
	// Same as fleet_tags, as repeatable `fleet_tag { key = "…" value = "…" }`
	// blocks; a key set in both takes the block's value.
	FleetTag config.KeyValues `mapstructure:"fleet_tag" required:"false"`
	// Not supported: Packer ignores it since its v1.4.3, because EC2 no
	// longer takes Spot bids. With spot_price = "auto" the cap is the
	// on-demand price and the product follows from the source AMI. Prepare
	// refuses it with that explanation.
	SpotPriceAutoProduct string `mapstructure:"spot_price_auto_product" required:"false"`
	// Not supported: Spot blocks (Spot Instances with a defined duration)
	// were closed to new accounts on 1 July 2021 and retired by EC2 on 31
	// December 2022. Prepare refuses it and names what to use instead.
	BlockDurationMinutes int64 `mapstructure:"block_duration_minutes" required:"false"`
}

// IsSpot reports whether the build instance is a Spot Instance.
func (c *SpotConfig) IsSpot() bool { return c.SpotPrice != "" && c.SpotPrice != "0" }
