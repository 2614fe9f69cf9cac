package ami

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// defaultSpotAllocationStrategy is what AWS recommends for Spot: the pools
// least likely to be interrupted, the cheapest of them.
const defaultSpotAllocationStrategy = ec2types.SpotAllocationStrategyPriceCapacityOptimized

// Prepare validates the Spot settings against the instance type, fills
// defaults and folds the tag blocks into the tag maps. Every problem is
// returned, each naming its attribute and the fix.
func (c *SpotConfig) Prepare(instanceType string) []error {
	var errs []error
	errs = append(errs, c.SpotTag.CopyOn(&c.SpotTags)...)
	errs = append(errs, c.FleetTag.CopyOn(&c.FleetTags)...)
	errs = append(errs, c.prepareRetired()...)
	errs = append(errs, c.preparePrice()...)
	errs = append(errs, c.prepareTypes(instanceType)...)
	if !c.IsSpot() {
		return append(errs, c.needSpot()...)
	}
	errs = append(errs, checkTagKeys("spot_tags", c.SpotTags)...)
	errs = append(errs, checkTagKeys("fleet_tags", c.FleetTags)...)
	if c.SpotAllocationStrategy == "" {
		c.SpotAllocationStrategy = string(defaultSpotAllocationStrategy)
	}
	valid := ec2types.SpotAllocationStrategy("").Values()
	if !slices.Contains(valid, ec2types.SpotAllocationStrategy(c.SpotAllocationStrategy)) {
		errs = append(errs, fmt.Errorf("spot_allocation_strategy %q is not one of %s", c.SpotAllocationStrategy, joinQuoted(valid)))
	}
	return errs
}

// prepareRetired refuses the two amazon-ebs options EC2 no longer has a
// meaning for, saying what to do instead.
func (c *SpotConfig) prepareRetired() []error {
	var errs []error
	if c.SpotPriceAutoProduct != "" {
		errs = append(errs, fmt.Errorf("spot_price_auto_product is not supported, and no longer used: EC2 stopped taking Spot bids in 2017 "+
			"and Packer has ignored it since v1.4.3; remove it and set spot_price = \"auto\" "+
			"(capped at the on-demand price of the instance type; the product follows from the source AMI)"))
	}
	if c.BlockDurationMinutes != 0 {
		errs = append(errs, fmt.Errorf("block_duration_minutes is not supported: it asks for a Spot block (a Spot Instance with a defined duration), "+
			"which EC2 retired on 31 December 2022: remove it; for a build that must not be interrupted launch on demand "+
			"(remove spot_price), or keep Spot with several spot_instance_types and "+
			"spot_allocation_strategy = \"price-capacity-optimized\" (the default) to make an interruption less likely"))
	}
	return errs
}

// preparePrice checks spot_price: "", "0", "auto" or a positive price.
func (c *SpotConfig) preparePrice() []error {
	switch c.SpotPrice {
	case "", "0", "auto":
		return nil
	}
	p, err := strconv.ParseFloat(c.SpotPrice, 64)
	if err != nil || p <= 0 || math.IsInf(p, 0) || math.IsNaN(p) {
		return []error{fmt.Errorf("spot_price %q is not a price: set the maximum hourly price in US dollars, "+
			"e.g. spot_price = \"0.05\", or spot_price = \"auto\" to pay at most the on-demand price", c.SpotPrice)}
	}
	return nil
}

// prepareTypes checks spot_instance_types against instance_type.
func (c *SpotConfig) prepareTypes(instanceType string) []error {
	var errs []error
	if instanceType != "" && len(c.SpotInstanceTypes) > 0 {
		errs = append(errs, fmt.Errorf("instance_type and spot_instance_types are both set: keep only one "+
			"(spot_instance_types lists the types EC2 may choose from)"))
	}
	seen := map[string]bool{}
	for i, t := range c.SpotInstanceTypes {
		switch {
		case strings.TrimSpace(t) == "":
			errs = append(errs, fmt.Errorf("spot_instance_types[%d] is empty: name an instance type like \"t3.micro\"", i))
		case seen[t]:
			errs = append(errs, fmt.Errorf("spot_instance_types lists %q twice: remove one", t))
		}
		seen[t] = true
	}
	return errs
}

// needSpot names each Spot-only attribute set without spot_price.
func (c *SpotConfig) needSpot() []error {
	set := map[string]bool{
		"spot_instance_types":      len(c.SpotInstanceTypes) > 0,
		"spot_allocation_strategy": c.SpotAllocationStrategy != "",
		"spot_tags":                len(c.SpotTags) > 0,
		"fleet_tags":               len(c.FleetTags) > 0,
	}
	var errs []error
	for _, attr := range []string{"spot_instance_types", "spot_allocation_strategy", "spot_tags", "fleet_tags"} {
		if set[attr] {
			errs = append(errs, fmt.Errorf("%s applies only to a Spot build: set spot_price (e.g. spot_price = \"auto\") or remove %s", attr, attr))
		}
	}
	return errs
}

// checkTagKeys refuses empty tag keys, which EC2 rejects only at launch.
func checkTagKeys(attr string, tags map[string]string) []error {
	if _, ok := tags[""]; ok {
		return []error{fmt.Errorf("%s has an empty key: every tag needs a key", attr)}
	}
	return nil
}

func joinQuoted[T ~string](vs []T) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(string(v))
	}
	return strings.Join(q, ", ")
}
