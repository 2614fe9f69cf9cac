package ami

import (
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
)

func minimalTemplate() map[string]any {
	return map[string]any{
		"region":        "us-east-1",
		"source_ami":    "ami-0123456789abcdef0",
		"instance_type": "t3.micro",
		"ami_name":      "web-1",
		"ssh_username":  "ubuntu",
	}
}

// checkPrepare prepares the template m: with no want it must be valid;
// otherwise Prepare must fail with an error holding every string of want.
func checkPrepare(t *testing.T, m map[string]any, want []string) {
	t.Helper()
	var c Config
	err := c.Prepare(m)
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error; want %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

// TestConfigPrepareReportsEveryProblem: each bad input yields an error
// naming the attribute, and several problems are reported together.
func TestConfigPrepareReportsEveryProblem(t *testing.T) {
	cases := []struct {
		name string
		edit func(m map[string]any)
		want []string
	}{
		{"minimal template is valid", func(map[string]any) {}, nil},
		{"everything required missing", func(m map[string]any) {
			for _, k := range []string{"region", "instance_type", "ami_name", "ssh_username", "source_ami"} {
				delete(m, k)
			}
		}, []string{"region is required", "instance_type is required", "ami_name is required", "ssh_username", "set source_ami"}},
		{"source_ami pinned within a filter (as amazon-ebs)", func(m map[string]any) {
			m["source_ami_filter"] = map[string]any{"filters": map[string]string{"name": "x*"}, "owners": []string{"self"}}
		}, nil},
		{"filter with owners only", func(m map[string]any) {
			delete(m, "source_ami")
			m["source_ami_filter"] = map[string]any{"owners": []string{"self"}}
		}, []string{"source_ami_filter has owners but no filters"}},
		{"source_ami not an ID", func(m map[string]any) { m["source_ami"] = "ubuntu" }, []string{"source_ami \"ubuntu\" is not an AMI ID"}},
		{"source_ami too short", func(m map[string]any) { m["source_ami"] = "ami-123" }, []string{"source_ami \"ami-123\" is not an AMI ID"}},
		{"bad region", func(m map[string]any) { m["region"] = "Europe" }, []string{"region \"Europe\" is not a region name"}},
		{"bad CIDRs", func(m map[string]any) {
			m["temporary_security_group_source_cidrs"] = []string{"10.0.0.0/8", "1.2.3.4", "::/0"}
		}, []string{"\"1.2.3.4\" is not a CIDR block"}},
		{"CIDRs with own groups", func(m map[string]any) {
			m["security_group_ids"] = []string{"sg-1"}
			m["temporary_security_group_source_cidrs"] = []string{"10.0.0.0/8"}
		}, []string{"temporary_security_group_source_cidrs applies only to the temporary security group"}},
		{"group ids and filter", func(m map[string]any) {
			m["security_group_ids"] = []string{"sg-1"}
			m["security_group_filter"] = map[string]any{"filters": map[string]string{"group-name": "x"}}
		}, []string{"security_group_ids and security_group_filter are both set"}},
		{"subnet id and filter", func(m map[string]any) {
			m["subnet_id"] = "subnet-1"
			m["subnet_filter"] = map[string]any{"filters": map[string]string{"tag:Name": "x"}, "most_free": true, "random": true}
		}, []string{"subnet_id and subnet_filter are both set"}},
		{"detection URL", func(m map[string]any) { m["public_ip_detection_url"] = "ftp://x" }, []string{"public_ip_detection_url"}},
		{"ssh_interface", func(m map[string]any) { m["ssh_interface"] = "ipv6" }, []string{"ssh_interface \"ipv6\" is not one of"}},
		{"user data twice", func(m map[string]any) {
			m["user_data"] = "#!/bin/sh"
			m["user_data_file"] = "/nonexistent/user-data"
		}, []string{"user_data and user_data_file are both set", "user_data_file \"/nonexistent/user-data\" cannot be read"}},
		{"shutdown and metadata", func(m map[string]any) {
			m["shutdown_behavior"] = "hibernate"
			m["metadata_options"] = map[string]any{"http_tokens": "sometimes", "http_put_response_hop_limit": 99}
		}, []string{"shutdown_behavior \"hibernate\"", "http_tokens \"sometimes\"", "hop_limit 99"}},
		{"launch mapping", func(m map[string]any) {
			m["launch_block_device_mappings"] = []map[string]any{{"volume_size": 8}}
		}, []string{"launch_block_device_mappings[0]: device_name is required"}},
		{"winrm", func(m map[string]any) { m["communicator"] = "winrm" }, []string{"communicator \"winrm\" is not supported"}},
		{"negative retries", func(m map[string]any) { m["max_retries"] = -1 }, []string{"max_retries must be 0 or more"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := minimalTemplate()
			tc.edit(m)
			checkPrepare(t, m, tc.want)
		})
	}
}

// TestConfigDefaultsAreSecure: IMDSv2 required, SG source detected (not
// 0.0.0.0/0), ed25519 temporary key, volumes deleted with the instance.
func TestConfigDefaultsAreSecure(t *testing.T) {
	m := minimalTemplate()
	m["launch_block_device_mappings"] = []map[string]any{{"device_name": "/dev/sda1", "volume_size": 20}}
	m["run_tags"] = map[string]string{"From": "{{ .SourceAMI }}"}
	var c Config
	if err := c.Prepare(m); err != nil {
		t.Fatal(err)
	}
	checks := map[string]bool{
		"http_tokens required":         c.Metadata.HTTPTokens == "required",
		"http_endpoint enabled":        c.Metadata.HTTPEndpoint == "enabled",
		"no source CIDRs configured":   len(c.TemporarySGSourceCidrs) == 0,
		"detection URL default":        c.PublicIPDetectionURL == "https://checkip.amazonaws.com",
		"ed25519 key":                  c.Comm.SSHTemporaryKeyPairType == "ed25519",
		"temporary key":                c.usesTemporaryKey(),
		"delete_on_termination":        *c.LaunchMappings[0].DeleteOnTermination,
		"shutdown_behavior stop":       c.InstanceInitiatedShutdownBehavior == "stop",
		"ssh_port 22":                  c.Comm.SSHPort == 22,
		"run_tags left for build time": c.RunTags["From"] == "{{ .SourceAMI }}",
		"max_retries default":          c.MaxRetries == awsaccess.DefaultMaxRetries,
		"ssh_timeout as the SDK (5m)":  c.Comm.SSHTimeout.Minutes() == 5,
	}
	for what, ok := range checks {
		if !ok {
			t.Errorf("default: %s does not hold", what)
		}
	}
}

// TestPrepareWarnsAboutWorldOpenSSHAndOwnerlessFilters: both build, both warn.
func TestPrepareWarnsAboutWorldOpenSSHAndOwnerlessFilters(t *testing.T) {
	m := minimalTemplate()
	delete(m, "source_ami")
	m["source_ami_filter"] = map[string]any{"filters": map[string]string{"name": "ubuntu/*"}}
	m["temporary_security_group_source_cidrs"] = []string{"0.0.0.0/0"}
	var b Builder
	_, warns, err := b.Prepare(m)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(warns, "\n")
	for _, w := range []string{"open to the whole internet", "source_ami_filter has no owners"} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings lack %q: %q", w, warns)
		}
	}
	if _, warns, _ := (&Builder{}).Prepare(minimalTemplate()); len(warns) != 0 {
		t.Errorf("a plain template warned: %q", warns)
	}
}

// TestHopLimitDefaultsToTwoWithIMDSv2: with tokens required, the metadata
// token must reach containers one hop further; a chosen limit is kept, and
// IMDSv1-allowing instances keep EC2's default.
func TestHopLimitDefaultsToTwoWithIMDSv2(t *testing.T) {
	for _, tc := range []struct {
		meta map[string]any
		want int32
	}{{nil, 2}, {map[string]any{"http_tokens": "required", "http_put_response_hop_limit": 5}, 5},
		{map[string]any{"http_tokens": "optional"}, 0}} {
		raw := minimalTemplate()
		if tc.meta != nil {
			raw["metadata_options"] = tc.meta
		}
		var c Config
		if err := c.Prepare(raw); err != nil {
			t.Fatal(err)
		}
		if got := c.Metadata.HTTPPutResponseHopLimit; got != tc.want {
			t.Errorf("metadata_options %v: hop limit %d, want %d", tc.meta, got, tc.want)
		}
	}
}
