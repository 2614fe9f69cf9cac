package ami

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// whyNot is the reason an option is not fingerprinted, by name, or by
// prefix for the options not fingerprinted by name.
func whyNot(name string) (string, bool) {
	if r, ok := notFingerprinted[name]; ok {
		return r, true
	}
	if slices.Contains(fingerprinted, name) {
		return "", false
	}
	for k, r := range notFingerprinted {
		if p, ok := strings.CutSuffix(k, "*"); ok && strings.HasPrefix(name, p) {
			return r, true
		}
	}
	return "", false
}

// TestEveryOptionIsClassifiedForTheFingerprint: each option of the
// builder is either fingerprinted or has a reason not to be, never both;
// an option added later fails here until someone decides.
func TestEveryOptionIsClassifiedForTheFingerprint(t *testing.T) {
	spec := (*FlatConfig)(nil).HCL2Spec()
	for name := range spec {
		reason, out := whyNot(name)
		in := slices.Contains(fingerprinted, name)
		switch {
		case in && out:
			t.Errorf("%s is both fingerprinted and not (%s)", name, reason)
		case !in && !out:
			t.Errorf("%s is neither fingerprinted nor listed in notFingerprinted: decide whether it changes the image", name)
		case out && whyNotFingerprinted[reason] == "":
			t.Errorf("%s: reason %q is not explained in whyNotFingerprinted", name, reason)
		}
	}
	fields := map[string]reflect.Value{}
	optionFields(reflect.ValueOf(&Config{}).Elem(), fields)
	for _, name := range slices.Concat(fingerprinted, slices.Collect(maps.Keys(notFingerprinted))) {
		if _, ok := spec[name]; !ok && !strings.HasSuffix(name, "*") {
			t.Errorf("%s is classified but is no option of the builder", name)
		}
	}
	for _, name := range fingerprinted {
		if _, ok := fields[name]; !ok {
			t.Errorf("fingerprinted option %s is no field of Config: its value would be left out", name)
		}
	}
}

// fingerprintOf prepares a template and fingerprints what it configures
// (the source image fixed).
func fingerprintOf(t *testing.T, m map[string]any) string {
	t.Helper()
	var c Config
	if err := c.Prepare(m); err != nil {
		t.Fatalf("Prepare %v: %v", m, err)
	}
	in := c.fingerprintInput()
	in.SourceAMI = "ami-0123456789abcdef0"
	return mustFingerprint(t, in)
}

func withOptions(extra map[string]any) map[string]any {
	m := minimalTemplate()
	maps.Copy(m, extra)
	return m
}

// TestEachImageOptionChangesTheFingerprint: changing any fingerprinted
// option (from a template that may need another option for it) changes
// the fingerprint.
func TestEachImageOptionChangesTheFingerprint(t *testing.T) {
	userData := filepath.Join(t.TempDir(), "user-data.sh")
	if err := os.WriteFile(userData, []byte("#!/bin/sh\necho from a file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	encrypted := map[string]any{"encrypt_boot": true}
	cases := map[string]struct{ base, change map[string]any }{
		"instance_type": {nil, map[string]any{"instance_type": "t3.large"}},
		"spot_instance_types": {map[string]any{"instance_type": "", "spot_price": "auto", "spot_instance_types": []string{"t3.micro"}},
			map[string]any{"spot_instance_types": []string{"t3.micro", "t3a.micro"}}},
		"user_data":                    {nil, map[string]any{"user_data": "#!/bin/sh\necho hi\n"}},
		"user_data_file":               {nil, map[string]any{"user_data_file": userData}},
		"launch_block_device_mappings": {nil, map[string]any{"launch_block_device_mappings": []map[string]any{{"device_name": "/dev/sda1", "volume_size": 30}}}},
		"ssh_username":                 {nil, map[string]any{"ssh_username": "admin"}},
		"ssh_keypair_name":             {map[string]any{"ssh_agent_auth": true}, map[string]any{"ssh_keypair_name": "team-key"}},
		"ssh_clear_authorized_keys":    {nil, map[string]any{"ssh_clear_authorized_keys": true}},
		"ami_block_device_mappings":    {nil, map[string]any{"ami_block_device_mappings": []map[string]any{{"device_name": "/dev/sdb", "volume_size": 10}}}},
		"encrypt_boot":                 {nil, encrypted},
		"kms_key_id":                   {encrypted, map[string]any{"kms_key_id": "alias/images"}},
		"region_kms_key_ids": {map[string]any{"encrypt_boot": true, "ami_regions": []string{"us-west-2"}},
			map[string]any{"region_kms_key_ids": map[string]string{"us-west-2": "alias/images"}}},
		"imds_support":            {nil, map[string]any{"imds_support": "none"}},
		"ami_users":               {nil, map[string]any{"ami_users": []string{"123456789012"}}},
		"ami_groups":              {nil, map[string]any{"ami_groups": []string{"all"}}},
		"no_ephemeral":            {nil, map[string]any{"no_ephemeral": true}},
		"ena_support":             {nil, map[string]any{"ena_support": false}},
		"sriov_support":           {nil, map[string]any{"sriov_support": true}},
		"ami_virtualization_type": {nil, map[string]any{"ami_virtualization_type": "hvm"}},
		"ami_product_codes":       {nil, map[string]any{"ami_product_codes": []string{"0123456789abcdefghijklmno"}}},
		"ami_org_arns":            {nil, map[string]any{"ami_org_arns": []string{"arn:aws:organizations::123456789012:organization/o-abcdefghij"}}},
		"ami_ou_arns":             {nil, map[string]any{"ami_ou_arns": []string{"arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdefghij"}}},
		"snapshot_users":          {nil, map[string]any{"snapshot_users": []string{"123456789012"}}},
		"snapshot_groups":         {nil, map[string]any{"snapshot_groups": []string{"all"}}},
	}
	for _, name := range fingerprinted {
		tc, ok := cases[name]
		if !ok {
			t.Errorf("no case for fingerprinted option %s", name)
			continue
		}
		before := withOptions(tc.base)
		after := withOptions(tc.base)
		maps.Copy(after, tc.change)
		if fingerprintOf(t, before) == fingerprintOf(t, after) {
			t.Errorf("setting %v left the fingerprint as it was", tc.change)
		}
	}
	inline := fingerprintOf(t, withOptions(map[string]any{"user_data": "#!/bin/sh\necho from a file\n"}))
	if fromFile := fingerprintOf(t, withOptions(map[string]any{"user_data_file": userData})); inline != fromFile {
		t.Error("the same user data inline and from user_data_file gave different fingerprints")
	}
}

// TestOtherOptionsLeaveTheFingerprint: options that do not make another
// image (names, tags, regions, networks, SSH settings, polling …) leave it.
func TestOtherOptionsLeaveTheFingerprint(t *testing.T) {
	want := fingerprintOf(t, minimalTemplate())
	for _, change := range []map[string]any{
		{"ssh_timeout": "20m"}, {"aws_polling": map[string]any{"delay_seconds": 5, "max_attempts": 100}},
		{"ami_name": "web-2"}, {"ami_description": "another"}, {"tags": map[string]string{"Version": "2"}},
		{"snapshot_tags": map[string]string{"K": "v"}}, {"run_tags": map[string]string{"K": "v"}},
		{"ami_regions": []string{"us-west-2"}}, {"deprecate_at": "2030-01-01T00:00:00Z"}, {"force_deregister": true},
		{"temporary_security_group_source_cidrs": []string{"10.0.0.0/8"}}, {"vpc_id": "vpc-1", "subnet_id": "subnet-1"},
		{"metadata_options": map[string]any{"http_tokens": "optional"}}, {"iam_instance_profile": "builder"},
		{"max_retries": 3}, {"ssh_port": 2222}, {"pause_before_connecting": "5s"}, {"shutdown_behavior": "terminate"},
	} {
		if got := fingerprintOf(t, withOptions(change)); got != want {
			t.Errorf("setting %v changed the fingerprint", change)
		}
	}
}

// TestReuseDocsListEveryFingerprintedOption: the reuse block's docs name
// each option the fingerprint covers.
func TestReuseDocsListEveryFingerprintedOption(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs-partials", "builder", "ami", "ReuseConfig.mdx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range fingerprinted {
		if !strings.Contains(string(doc), "`"+name+"`") {
			t.Errorf("docs-partials/builder/ami/ReuseConfig.mdx does not name fingerprinted option %s", name)
		}
	}
}
