package ami

import (
	"os"
	"reflect"
	"strings"
)

// fingerprinted are the options, by HCL attribute, that make an image what
// it is, so changing one builds a new image instead of reusing one: what
// the build instance starts with (its type, user data, volumes, the key
// pair cloud-init installs, the user provisioners run as), what the image
// records (block device mappings, encryption and keys, IMDS support, which
// EC2 refuses to change back) and who may launch it (reuse cannot take a
// launch permission back). The source image counts by the ID it resolved
// to, the input files and key of the reuse block by their contents.
var fingerprinted = []string{
	"instance_type", "spot_instance_types", "user_data", "user_data_file", "launch_block_device_mappings",
	"ssh_username", "ssh_keypair_name", "ssh_clear_authorized_keys",
	"ami_block_device_mappings", "no_ephemeral", "encrypt_boot", "kms_key_id", "region_kms_key_ids", "imds_support",
	"ena_support", "sriov_support", "ami_virtualization_type", "ami_product_codes",
	"ami_users", "ami_groups", "ami_org_arns", "ami_ou_arns", "snapshot_users", "snapshot_groups",
}

// notFingerprinted are all other options, by attribute or (ending in "*")
// prefix (the options of that prefix not in fingerprinted), each with why
// it does not make another image.
var notFingerprinted = map[string]string{
	"ami_name": "names", "ami_description": "names",
	"tags": "labels", "tag": "labels", "snapshot_tags": "labels", "snapshot_tag": "labels", "skip_ami_run_tags": "labels",
	"deprecate_at": "labels", "deregistration_protection": "labels",
	"ami_regions": "copies", "snapshot_copy_duration_minutes": "copies", "skip_save_build_region": "copies",
	"force_deregister": "existing", "force_delete_snapshot": "existing", "skip_create_ami": "existing",
	"source_ami": "source", "source_ami_filter": "source",
	"region": "access", "profile": "access", "max_retries": "access", "aws_polling": "access",
	"access_key": "access", "secret_key": "access", "token": "access", "shared_credentials_file": "access",
	"assume_role": "access", "vault_aws_engine": "access", "mfa_code": "access", "custom_endpoint_ec2": "access",
	"insecure_skip_tls_verify": "access", "skip_metadata_api_check": "access", "skip_region_validation": "access",
	"skip_credential_validation": "access", "decode_authorization_messages": "access",
	"run_tags": "instance", "run_tag": "instance", "run_volume_tags": "instance", "run_volume_tag": "instance",
	"vpc_id": "instance", "vpc_filter": "instance", "subnet_id": "instance", "subnet_filter": "instance",
	"availability_zone": "instance", "placement": "instance", "tenancy": "instance",
	"associate_public_ip_address": "instance", "security_group_id": "instance", "security_group_ids": "instance",
	"security_group_filter": "instance", "temporary_security_group_source_cidrs": "instance",
	"temporary_security_group_source_public_ip": "instance", "public_ip_detection_url": "instance",
	"iam_instance_profile": "instance", "temporary_iam_instance_profile_policy_document": "instance",
	"skip_profile_validation": "instance", "metadata_options": "instance", "shutdown_behavior": "instance",
	"ebs_optimized": "instance", "enable_t2_unlimited": "instance", "enable_unlimited_credits": "instance",
	"capacity_reservation_*": "instance", "enable_nitro_enclave": "instance", "license_specifications": "instance",
	"disable_stop_instance": "instance", "spot_*": "instance", "fleet_*": "instance", "block_duration_minutes": "instance",
	"communicator": "connection", "ssh_*": "connection", "winrm_*": "connection", "temporary_key_pair_*": "connection",
	"ssh_interface": "connection", "session_manager_port": "connection", "pause_before_ssm": "connection",
	"pause_before_connecting":  "connection",
	"windows_password_timeout": "windows", "fast_launch": "windows",
	"packer_*": "packer", "template_dir": "packer", "reuse": "packer",
}

// whyNotFingerprinted explains notFingerprinted's reasons (docs and tests).
var whyNotFingerprinted = map[string]string{
	"names":      "names or describes the image: a reused image keeps its own",
	"labels":     "tags, deprecation or protection: applied to a reused image as to a new one",
	"copies":     "where and how copies go: a reused image is copied where it is missing",
	"existing":   "what to do about existing images",
	"source":     "chooses the source image: the fingerprint holds the ID it resolved to",
	"access":     "how the build reaches AWS and waits",
	"instance":   "where and how the build instance runs, not what it holds",
	"connection": "how the build connects to the instance",
	"windows":    "refused: Windows images are out of scope",
	"packer":     "Packer's own, the lineage's, or the reuse block itself (its inputs and key are fingerprinted)",
}

// fingerprintInput is the fingerprint's input as the configuration sets it
// (the source image is known at build time): the options, and the reuse
// block's inputs and key.
func (c *Config) fingerprintInput() FingerprintInput {
	in := FingerprintInput{Options: c.fingerprintOptions()}
	if c.Reuse != nil {
		in.Dir, in.Files, in.Key = c.Reuse.dir, c.Reuse.Inputs, c.Reuse.Key
	}
	return in
}

// fingerprintOptions are the fingerprinted options this configuration
// sets (zero values left out), user_data_file by its content under
// user_data.
func (c *Config) fingerprintOptions() map[string]any {
	values := map[string]reflect.Value{}
	optionFields(reflect.ValueOf(c).Elem(), values)
	opts := map[string]any{}
	for _, name := range fingerprinted {
		if v, ok := values[name]; ok && !v.IsZero() {
			opts[name] = v.Interface()
		}
	}
	if c.UserDataFile != "" {
		delete(opts, "user_data_file")
		if b, err := os.ReadFile(c.UserDataFile); err == nil { // Prepare checked it
			opts["user_data"] = string(b)
		}
	}
	return opts
}

// optionFields collects a config struct's fields by their attribute name,
// descending into squashed (embedded) structs.
func optionFields(v reflect.Value, out map[string]reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		if opts == "squash" && f.Type.Kind() == reflect.Struct {
			optionFields(v.Field(i), out)
			continue
		}
		if name != "" && name != "-" {
			out[name] = v.Field(i)
		}
	}
}
