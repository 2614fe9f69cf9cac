package awsaccess

import (
	"strings"
	"testing"
)

// TestAccessConfigPrepare: region is required and checked against the AWS
// partitions (errors name the attribute and the fix), max_retries defaults
// to 10 and may not be negative.
func TestAccessConfigPrepare(t *testing.T) {
	for name, tc := range map[string]struct {
		c    AccessConfig
		want []string
	}{
		"no region":      {AccessConfig{}, []string{"region is required: set region ="}},
		"bad region":     {AccessConfig{RawRegion: "Europe"}, []string{`region "Europe" is not a region name`, "set region to", "eu-west-1"}},
		"china region":   {AccessConfig{RawRegion: "cn-north-1"}, nil},
		"newer region":   {AccessConfig{RawRegion: "eu-south-7"}, nil},
		"negative retry": {AccessConfig{RawRegion: "us-east-1", MaxRetries: -1}, []string{"max_retries must be 0 or more"}},
	} {
		t.Run(name, func(t *testing.T) {
			errs := tc.c.Prepare()
			var msgs []string
			for _, e := range errs {
				msgs = append(msgs, e.Error())
			}
			all := strings.Join(msgs, "\n")
			if len(tc.want) == 0 && len(errs) != 0 {
				t.Errorf("unexpected errors: %s", all)
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("errors %q lack %q", all, w)
				}
			}
		})
	}
	c := AccessConfig{RawRegion: "us-east-1"}
	if c.Prepare(); c.MaxRetries != DefaultMaxRetries {
		t.Errorf("MaxRetries default = %d, want %d", c.MaxRetries, DefaultMaxRetries)
	}
}
