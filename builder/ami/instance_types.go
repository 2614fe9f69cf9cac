package ami

import (
	"fmt"
	"strings"
)

// InstanceTypes are the types the build instance may be launched as, with
// the attribute that named them, so messages point at what to change:
// instance_type, or a Spot build's spot_instance_types.
type InstanceTypes struct {
	Attr  string
	Names []string
}

// instanceTypes is instance_type, or spot_instance_types when set.
func (c *Config) instanceTypes() InstanceTypes {
	if len(c.SpotInstanceTypes) > 0 {
		return InstanceTypes{Attr: "spot_instance_types", Names: c.SpotInstanceTypes}
	}
	return InstanceTypes{Attr: "instance_type", Names: []string{c.InstanceType}}
}

// String reads "instance_type t3.micro" or "spot_instance_types t3.micro, t3a.micro".
func (t InstanceTypes) String() string {
	return fmt.Sprintf("%s %s", t.Attr, strings.Join(t.Names, ", "))
}
