package ami

import (
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ec2Filters turns a filters map into EC2 filters, sorted by name.
func ec2Filters(m map[string]string) []ec2types.Filter {
	var out []ec2types.Filter
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, ec2types.Filter{Name: aws.String(k), Values: []string{m[k]}})
	}
	return out
}
