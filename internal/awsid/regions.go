//go:generate go run ./internal/genregions -o regions_gen.go

package awsid

import (
	"regexp"
	"slices"
	"sync"
)

// partition is one AWS partition (aws, aws-cn, aws-us-gov …) as the AWS SDK
// describes it; regions_gen.go lists them.
type partition struct {
	id string
	// pattern matches every region name of the partition, including regions
	// opened after the table was generated.
	pattern string
	// regions are the ones the SDK lists (each matches pattern).
	regions []string
}

var compiled = sync.OnceValue(func() []*regexp.Regexp {
	res := make([]*regexp.Regexp, len(partitions))
	for i, p := range partitions {
		res[i] = regexp.MustCompile(p.pattern)
	}
	return res
})

// IsRegion reports whether name is a region name of an AWS partition: of the
// form of the regions the SDK lists, so a region opened since still passes.
// Whether it exists and the account may use it is for EC2 to say (the
// builder asks DescribeRegions before launching).
func IsRegion(name string) bool {
	return slices.ContainsFunc(compiled(), func(re *regexp.Regexp) bool { return re.MatchString(name) })
}

// Regions lists the regions the AWS SDK knows, partition by partition, for
// error messages that suggest a fix.
func Regions() []string {
	var all []string
	for _, p := range partitions {
		all = append(all, p.regions...)
	}
	return all
}
