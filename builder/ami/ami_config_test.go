package ami

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestAMIConfigPrepare(t *testing.T) {
	ok := func() AMIConfig { return AMIConfig{AMIName: "web-20260101"} }
	cases := []struct {
		name  string
		edit  func(*AMIConfig)
		wants []string // substrings, one per expected error
	}{
		{"minimal", func(*AMIConfig) {}, nil},
		{"missing name", func(c *AMIConfig) { c.AMIName = "" }, []string{"ami_name is required"}},
		{"short name", func(c *AMIConfig) { c.AMIName = "ab" }, []string{"3 to 128"}},
		{"long name", func(c *AMIConfig) { c.AMIName = strings.Repeat("a", 129) }, []string{"3 to 128"}},
		{"bad chars", func(c *AMIConfig) { c.AMIName = "web:1" }, []string{"may only contain"}},
		{"all allowed chars", func(c *AMIConfig) { c.AMIName = "a (b) [c] ./-'@_ 9" }, nil},
		{"bad region", func(c *AMIConfig) { c.AMIRegions = []string{"mars"} }, []string{`ami_regions: "mars"`}},
		{"kms without encrypt", func(c *AMIConfig) { c.AMIKmsKeyID = "alias/x" }, []string{"kms_key_id only applies"}},
		{"region kms without encrypt and missing region", func(c *AMIConfig) {
			c.AMIRegions = []string{"eu-west-1", "us-west-2"}
			c.AMIRegionKMSKeyIDs = map[string]string{"eu-west-1": "k"}
		}, []string{"region_kms_key_ids only applies", `no key for "us-west-2"`}},
		{"encrypted with keys", func(c *AMIConfig) {
			c.AMIEncryptBootVolume, c.AMIKmsKeyID = true, "alias/x"
			c.AMIRegions = []string{"eu-west-1"}
			c.AMIRegionKMSKeyIDs = map[string]string{"eu-west-1": "k"}
		}, nil},
		{"deprecate_at", func(c *AMIConfig) { c.DeprecationTime = "tomorrow" }, []string{"deprecate_at"}},
		{"imds", func(c *AMIConfig) { c.IMDSSupport = "v1" }, []string{"imds_support"}},
		{"delete snapshot alone", func(c *AMIConfig) { c.AMIForceDeleteSnapshot = true }, []string{"needs force_deregister"}},
		{"bad mapping", func(c *AMIConfig) { c.AMIMappings = []BlockDevice{{VolumeType: "gp9", IOPS: 100}} },
			[]string{"ami_block_device_mappings[0]: device_name", "volume_type", "iops"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ok()
			tc.edit(&c)
			errs := c.Prepare(nil, false)
			if len(errs) != len(tc.wants) {
				t.Fatalf("got %d errors %v, want %d %v", len(errs), errs, len(tc.wants), tc.wants)
			}
			for i, w := range tc.wants {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("error %d = %q, want it to mention %q", i, errs[i], w)
				}
			}
		})
	}
}

func TestAMIConfigDefaults(t *testing.T) {
	c := AMIConfig{AMIName: "web", AMIMappings: []BlockDevice{{DeviceName: "/dev/sdb", VolumeSize: 8}}}
	if errs := c.Prepare(nil, false); len(errs) != 0 {
		t.Fatal(errs)
	}
	if c.IMDSSupport != "v2.0" {
		t.Errorf("imds_support default = %q, want v2.0", c.IMDSSupport)
	}
	m := BuildBlockDeviceMappings(c.AMIMappings)
	if !aws.ToBool(m[0].Ebs.DeleteOnTermination) || aws.ToInt32(m[0].Ebs.VolumeSize) != 8 {
		t.Errorf("mapping = %+v, want delete_on_termination true and size 8", m[0].Ebs)
	}
}

func TestCopyRegionsDropsBuildRegionAndDuplicates(t *testing.T) {
	c := AMIConfig{AMIRegions: []string{"eu-west-1", "us-east-1", "eu-west-1", "us-west-2"}}
	got := strings.Join(c.CopyRegions("us-east-1"), ",")
	if got != "eu-west-1,us-west-2" {
		t.Errorf("CopyRegions = %s", got)
	}
}
