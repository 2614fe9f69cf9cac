//go:generate go tool packer-sdc mapstructure-to-hcl2 -type AMIFilter,SubnetFilter,SecurityGroupFilter,VpcFilter,MetadataOptions
//go:generate go tool packer-sdc struct-markdown

package ami

import "github.com/hashicorp/packer-plugin-sdk/template/config"

// RunConfig says how the temporary build instance is launched: from which
// image, with which type, in which network, reachable from where.
type RunConfig struct {
	// The ID of the AMI to start from, e.g. `ami-0123456789abcdef0`, or an
	// SSM parameter that holds it, in the syntax EC2 accepts:
	// `resolve:ssm:/images/base` (the latest version),
	// `resolve:ssm:/images/base:7` (a version) or
	// `resolve:ssm:/images/base:prod` (a label), read in the build region
	// before anything else checks the source image (`SourceAMI` and the
	// lineage tags record the image it named, and which version). With
	// source_ami_filter too, the image must also match the filter (a pin
	// that fails loudly when the filter would no longer choose it).
	SourceAMI string `mapstructure:"source_ami" required:"false"`
	// Look the source AMI up by filters instead of an ID. See AMIFilter.
	SourceAMIFilter AMIFilter `mapstructure:"source_ami_filter" required:"false"`
	// The EC2 instance type of the build instance, e.g. `t3.micro`.
	// Required, unless a Spot build lists spot_instance_types instead.
	InstanceType string `mapstructure:"instance_type" required:"true"`
	// Tags for the build instance and its volumes (the AMI's are tags).
	// Values may use `{{ .SourceAMI }}`, `{{ .BuildRegion }}` etc.
	RunTags map[string]string `mapstructure:"run_tags" required:"false"`
	// Same as run_tags, as repeatable `run_tag { key = … value = … }`
	// blocks (e.g. from a `dynamic` block); a key in both wins here.
	RunTag config.KeyValues `mapstructure:"run_tag" required:"false"`
	// Volumes of the build instance. delete_on_termination defaults to
	// true, so no volume outlives the build.
	LaunchMappings []BlockDevice `mapstructure:"launch_block_device_mappings" required:"false"`
	// The VPC to launch in. Default: the subnet's VPC, else the region's
	// default VPC. A non-default VPC needs subnet_id or subnet_filter too.
	VpcID string `mapstructure:"vpc_id" required:"false"`
	// Find the VPC by filters instead of an ID; exactly one must match.
	// See VpcFilter.
	VpcFilter VpcFilter `mapstructure:"vpc_filter" required:"false"`
	// The subnet to launch in. Default: a subnet of the default VPC chosen by
	// EC2, or the one subnet_filter finds.
	SubnetID string `mapstructure:"subnet_id" required:"false"`
	// Find the subnet by filters instead of an ID. See SubnetFilter.
	SubnetFilter SubnetFilter `mapstructure:"subnet_filter" required:"false"`
	// Give the instance a public IPv4 address (true) or not (false).
	// Default: the subnet's own setting.
	AssociatePublicIPAddress *bool `mapstructure:"associate_public_ip_address" required:"false"`
	// Existing security groups to launch in, instead of a temporary group.
	// They must allow SSH from this machine.
	SecurityGroupIDs []string `mapstructure:"security_group_ids" required:"false"`
	// One existing security group, as security_group_ids with one entry
	// (amazon-ebs' singular form). Set this or security_group_ids.
	SecurityGroupID string `mapstructure:"security_group_id" required:"false"`
	// Find existing security groups by filters instead of IDs.
	SecurityGroupFilter SecurityGroupFilter `mapstructure:"security_group_filter" required:"false"`
	// CIDR blocks the temporary security group accepts SSH from. Default:
	// the one address the connection comes from, chosen by the route to
	// the address Packer dials (ssh_host, or the instance's address per
	// ssh_interface, known once it runs): to a private, loopback, CGNAT or
	// link-local address, this machine's own address on that route (a CI
	// runner in the VPC, a VPN); to a public address, this machine's
	// public address, detected from public_ip_detection_url without any
	// HTTP proxy; through ssh_bastion_host or ssh_proxy_host, the bastion's
	// address when it is an instance of the build's region. Where none can
	// be told, the build fails asking for this option. Never open to the
	// world unless you say so: `["0.0.0.0/0"]`.
	TemporarySGSourceCidrs []string `mapstructure:"temporary_security_group_source_cidrs" required:"false"`
	// Admit SSH only from this machine's public IP address, detected from
	// public_ip_detection_url, whatever address Packer dials (amazon-ebs's
	// option of the same name). Default false: the route decides (see
	// temporary_security_group_source_cidrs). Ignored when
	// temporary_security_group_source_cidrs is set.
	TemporarySGSourcePublicIP bool `mapstructure:"temporary_security_group_source_public_ip" required:"false"`
	// The URL answering with this machine's public IP address in plain
	// text, asked without HTTP(S)_PROXY when the temporary group must admit
	// this machine's public address. Default `https://checkip.amazonaws.com`.
	PublicIPDetectionURL string `mapstructure:"public_ip_detection_url" required:"false"`
	// The name or ARN of an existing IAM instance profile for the build
	// instance.
	IAMInstanceProfile string `mapstructure:"iam_instance_profile" required:"false"`
	// User data for the build instance, as plain text (it is base64-encoded
	// for EC2). Conflicts with user_data_file.
	UserData string `mapstructure:"user_data" required:"false"`
	// A file whose contents are the user data. Conflicts with user_data.
	UserDataFile string `mapstructure:"user_data_file" required:"false"`
	// Which address of the instance to SSH to: `public_ip`, `private_ip`,
	// `public_dns` or `private_dns`; or `session_manager` to SSH through
	// an AWS Systems Manager session tunnel (see SessionManagerConfig).
	// Default: the public IP, else the private IP. ssh_host, when set,
	// wins over the addresses.
	SSHInterface string `mapstructure:"ssh_interface" required:"false"`
	// The instance metadata service settings of the build instance. Default:
	// tokens required (IMDSv2 only), unlike amazon-ebs.
	Metadata MetadataOptions `mapstructure:"metadata_options" required:"false"`
	// What an OS-level shutdown does to the build instance: `stop`
	// (default) or `terminate`.
	InstanceInitiatedShutdownBehavior string `mapstructure:"shutdown_behavior" required:"false"`
	// Spot settings (spot_price and friends). See SpotConfig.
	SpotConfig `mapstructure:",squash"`
}

// AMIFilter finds an AMI by DescribeImages filters, as amazon-ebs'
// source_ami_filter:
//
// ```hcl
//
//	source_ami_filter {
//	  filters = {
//	    name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
//	    root-device-type    = "ebs"
//	    virtualization-type = "hvm"
//	  }
//	  owners      = ["099720109477"]
//	  most_recent = true
//	}
//
// ```
type AMIFilter struct {
	// DescribeImages filters, name to value (wildcards `*` allowed).
	Filters map[string]string `mapstructure:"filters" required:"false"`
	// Account IDs or aliases (`self`, `amazon`) owning the image. Strongly
	// advised: without owners anyone's image with a matching name qualifies.
	Owners []string `mapstructure:"owners" required:"false"`
	// With several matches, take the newest (by creation date, then name)
	// instead of failing.
	MostRecent bool `mapstructure:"most_recent" required:"false"`
	// Also match deprecated images (EC2 leaves them out of listings unless
	// asked, or unless they are your own), as amazon-ebs's option of this
	// name. Default false.
	IncludeDeprecated bool `mapstructure:"include_deprecated" required:"false"`
}

// Empty reports whether no filter was given.
func (f AMIFilter) Empty() bool { return len(f.Filters) == 0 && len(f.Owners) == 0 }

// SubnetFilter finds the subnet to launch in by DescribeSubnets filters.
type SubnetFilter struct {
	// DescribeSubnets filters, name to value, e.g. `{ "tag:Class" = "build" }`.
	Filters map[string]string `mapstructure:"filters" required:"false"`
	// Filters as repeatable `filter { name = … value = … }` blocks; a name
	// in both wins here.
	Filter config.NameValues `mapstructure:"filter" required:"false"`
	// With several matches, take the one with the most free IP addresses
	// instead of failing.
	MostFree bool `mapstructure:"most_free" required:"false"`
	// With several matches, take one at random instead of failing
	// (most_free wins when both are set).
	Random bool `mapstructure:"random" required:"false"`
}

// SecurityGroupFilter finds existing security groups by filters.
type SecurityGroupFilter struct {
	// DescribeSecurityGroups filters, name to value.
	Filters map[string]string `mapstructure:"filters" required:"false"`
	// Filters as repeatable `filter { name = … value = … }` blocks.
	Filter config.NameValues `mapstructure:"filter" required:"false"`
}

// VpcFilter finds the VPC to launch in by DescribeVpcs filters, e.g.
// `filters = { "tag:Class" = "build", "is-default" = "false" }`. Exactly
// one VPC must match; the subnet is then subnet_id, subnet_filter (within
// that VPC), or, for a default VPC, one EC2 offers the instance type in.
type VpcFilter struct {
	// DescribeVpcs filters, name to value.
	Filters map[string]string `mapstructure:"filters" required:"false"`
	// Filters as repeatable `filter { name = … value = … }` blocks.
	Filter config.NameValues `mapstructure:"filter" required:"false"`
}

// MetadataOptions configures the build instance's metadata service.
type MetadataOptions struct {
	// `enabled` (default) or `disabled`.
	HTTPEndpoint string `mapstructure:"http_endpoint" required:"false"`
	// `required` (default: IMDSv2 only) or `optional` (IMDSv1 allowed).
	HTTPTokens string `mapstructure:"http_tokens" required:"false"`
	// Hops a metadata response may travel, 1 to 64. Default 2 when
	// http_tokens is `required` (as AWS advises for IMDSv2, so containers
	// on the build instance still reach its credentials), else EC2's (1).
	HTTPPutResponseHopLimit int32 `mapstructure:"http_put_response_hop_limit" required:"false"`
	// `enabled` or `disabled` (default): instance tags in the metadata.
	InstanceMetadataTags string `mapstructure:"instance_metadata_tags" required:"false"`
}
