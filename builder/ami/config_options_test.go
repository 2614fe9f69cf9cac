package ami

import (
	"strings"
	"testing"
)

// prepareWith prepares the minimal template plus extra and returns the
// config and its error text ("" when valid).
func prepareWith(t *testing.T, extra map[string]any) (*Config, string) {
	t.Helper()
	m := minimalTemplate()
	for k, v := range extra {
		m[k] = v
	}
	var c Config
	if err := c.Prepare(m); err != nil {
		return &c, err.Error()
	}
	return &c, ""
}

// badOptions are templates fragments Prepare must refuse, with what each
// error says.
var badOptions = map[string]struct {
	extra map[string]any
	want  []string
}{
	"singular and plural groups": {map[string]any{"security_group_id": "sg-1", "security_group_ids": []string{"sg-2"}},
		[]string{"security_group_id and security_group_ids are both set"}},
	"vpc id and filter": {map[string]any{"vpc_id": "vpc-1", "vpc_filter": map[string]any{"filters": map[string]string{"tag:A": "b"}}},
		[]string{"vpc_id and vpc_filter are both set"}},
	"unlimited credits on m5": {map[string]any{"instance_type": "m5.large", "enable_unlimited_credits": true},
		[]string{"enable_unlimited_credits applies to burstable instance types"}},
	"enclave on t3": {map[string]any{"enable_nitro_enclave": true}, []string{"enable_nitro_enclave: burstable instance type \"t3.micro\""}},
	"two reservations": {map[string]any{"capacity_reservation_id": "cr-1", "capacity_reservation_preference": "open"},
		[]string{"exclude each other"}},
	"bad reservation": {map[string]any{"capacity_reservation_preference": "always"}, []string{`capacity_reservation_preference "always"`}},
	"bad tenancy":     {map[string]any{"placement": map[string]any{"tenancy": "shared"}}, []string{`placement tenancy "shared" is not one of`}},
	"both tenancies":  {map[string]any{"tenancy": "dedicated", "placement": map[string]any{"tenancy": "host"}}, []string{"tenancy and placement { tenancy } are both set"}},
	"host on dedicated": {map[string]any{"placement": map[string]any{"tenancy": "dedicated", "host_id": "h-1"}},
		[]string{"need tenancy = \"host\""}},
	"license without arn": {map[string]any{"license_specifications": []map[string]any{{}}}, []string{"license_specifications[0]"}},
	"copy duration": {map[string]any{"ami_regions": []string{"us-west-2"}, "snapshot_copy_duration_minutes": 20},
		[]string{"snapshot_copy_duration_minutes 20 must be 15 to 2880 in steps of 15"}},
	"copy duration without copies": {map[string]any{"snapshot_copy_duration_minutes": 30}, []string{"there are none"}},
	"skip build region alone":      {map[string]any{"skip_save_build_region": true}, []string{"skip_save_build_region keeps the AMI only in ami_regions"}},
	"sharing": {map[string]any{"ami_org_arns": []string{"o-123"}, "ami_ou_arns": []string{"ou-1"}, "snapshot_users": []string{"me"},
		"snapshot_groups": []string{"friends"}, "ami_product_codes": []string{""}},
		[]string{"ami_org_arns: \"o-123\"", "ami_ou_arns: \"ou-1\"", "snapshot_users: \"me\"", "snapshot_groups: \"friends\"", "ami_product_codes"}},
	"shared default key": {map[string]any{"encrypt_boot": true, "snapshot_users": []string{"210987654321"}},
		[]string{"default aws/ebs KMS key"}},
	"virtualization": {map[string]any{"ami_virtualization_type": "pv", "deregistration_protection": map[string]any{"with_cooldown": true}},
		[]string{`ami_virtualization_type "pv"`, "with_cooldown needs enabled = true"}},
	"paravirtual with ena": {map[string]any{"ami_virtualization_type": "paravirtual", "sriov_support": true},
		[]string{"need an hvm image"}},
	"winrm and Windows options": {map[string]any{"communicator": "winrm", "winrm_username": "Administrator", "winrm_use_ssl": true,
		"windows_password_timeout": "20m", "fast_launch": map[string]any{"enable_fast_launch": true}},
		[]string{`communicator "winrm" is not supported: Windows images are out of scope`, "winrm_username, winrm_use_ssl are not supported",
			"windows_password_timeout is not supported", "fast_launch (EC2 Fast Launch for Windows) is not supported", "amazon-ebs"}},
	"winrm attribute with ssh": {map[string]any{"winrm_password": "winrm-secret-4f1c9e"}, []string{"winrm_password is not supported: Windows"}},
}

// TestAmazonEBSOptionsAreValidated: each new option's bad values are
// errors naming the attribute and the fix, all reported together.
func TestAmazonEBSOptionsAreValidated(t *testing.T) {
	for name, tc := range badOptions {
		t.Run(name, func(t *testing.T) {
			_, errs := prepareWith(t, tc.extra)
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("errors lack %q:\n%s", w, errs)
				}
			}
		})
	}
}

// TestTagBlocksAndSingularForms: tag, snapshot_tag, run_tag and
// run_volume_tag blocks merge into their maps, a block winning over the map
// for the same key (as amazon-ebs' CopyOn); filter blocks into filters;
// security_group_id becomes security_group_ids; tenancy moves into
// placement; enable_t2_unlimited is enable_unlimited_credits with a
// warning; packer build -force means force_deregister.
func TestTagBlocksAndSingularForms(t *testing.T) {
	c, errs := prepareWith(t, map[string]any{
		"tags": map[string]string{"Team": "map", "Keep": "yes"}, "tag": []map[string]any{{"key": "Team", "value": "block"}},
		"snapshot_tag": []map[string]any{{"key": "Backup", "value": "daily"}},
		"run_tags":     map[string]string{"Env": "map"}, "run_tag": []map[string]any{{"key": "Env", "value": "block"}},
		"run_volume_tag":    []map[string]any{{"name": "Disk", "value": "root"}},
		"subnet_filter":     map[string]any{"filter": []map[string]any{{"name": "tag:Class", "value": "build"}}},
		"security_group_id": "sg-0123", "tenancy": "dedicated", "instance_type": "t2.micro", "enable_t2_unlimited": true,
		"packer_force": true,
	})
	if errs != "" {
		t.Fatal(errs)
	}
	checks := map[string]bool{
		"tag block wins":             c.AMITags["Team"] == "block" && c.AMITags["Keep"] == "yes",
		"snapshot_tag":               c.SnapshotTags["Backup"] == "daily",
		"run_tag block wins":         c.RunTags["Env"] == "block",
		"run_volume_tag name/value":  c.RunVolumeTags["Disk"] == "root",
		"filter block":               c.SubnetFilter.Filters["tag:Class"] == "build",
		"security_group_id":          len(c.SecurityGroupIDs) == 1 && c.SecurityGroupIDs[0] == "sg-0123",
		"tenancy into placement":     c.Placement.Tenancy == "dedicated",
		"t2 unlimited":               c.EnableUnlimitedCredits,
		"-force deregisters":         c.AMIForceDeregister,
		"reservation default none":   c.CapacityReservationPreference == "none",
		"run tags stay off the AMI":  c.imageRunTags() == nil,
		"t2 unlimited is deprecated": strings.Contains(strings.Join(c.warnings(), " "), "enable_t2_unlimited is deprecated"),
	}
	for what, ok := range checks {
		if !ok {
			t.Errorf("%s does not hold", what)
		}
	}
}

// TestCleanResourceName is amazon-ebs' clean_resource_name template
// function, so legacy JSON templates' ami_name expressions port.
func TestCleanResourceName(t *testing.T) {
	c, errs := prepareWith(t, map[string]any{"ami_name": "web {{ clean_resource_name \"2026-01-31T10:00:00Z+ü\" }}"})
	if errs != "" {
		t.Fatal(errs)
	}
	if c.AMIName != "web 2026-01-31T10-00-00Z---" {
		t.Errorf("ami_name = %q", c.AMIName)
	}
}
