package ami

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsid"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// defaultPublicIPDetectionURL answers with the caller's public IPv4 address.
const defaultPublicIPDetectionURL = "https://checkip.amazonaws.com"

// unknownValue is what `packer validate` puts in an attribute whose value
// comes from a data source it does not run (packer validate without
// -evaluate-datasources); `packer build` always has the real value.
const unknownValue = "<unknown>"

var sshInterfaces = []string{"public_ip", "private_ip", "public_dns", "private_dns", sessionManager}

// Prepare validates the launch settings and fills defaults. Every problem is
// returned, each naming its attribute and the fix.
func (c *RunConfig) Prepare() []error {
	var errs []error
	errs = append(errs, c.RunTag.CopyOn(&c.RunTags)...)
	errs = append(errs, c.prepareSource()...)
	if c.InstanceType == "" && len(c.SpotInstanceTypes) == 0 {
		errs = append(errs, fmt.Errorf("instance_type is required: set e.g. instance_type = \"t3.micro\""))
	}
	errs = append(errs, c.SpotConfig.Prepare(c.InstanceType)...)
	errs = append(errs, c.prepareNetwork()...)
	errs = append(errs, c.prepareInstance()...)
	for i := range c.LaunchMappings {
		errs = append(errs, c.LaunchMappings[i].Prepare(fmt.Sprintf("launch_block_device_mappings[%d]", i))...)
	}
	return errs
}

func (c *RunConfig) prepareSource() []error {
	hasFilter := !c.SourceAMIFilter.Empty()
	switch {
	case c.SourceAMI == "" && !hasFilter:
		return []error{fmt.Errorf("no source image: set source_ami = \"ami-...\" or a source_ami_filter block")}
	case c.SourceAMI == unknownValue:
		return nil // from a data source that `packer validate` does not run
	case strings.HasPrefix(c.SourceAMI, ssmchannel.ResolvePrefix):
		if _, _, err := ssmchannel.ParseResolve(c.SourceAMI); err != nil {
			return []error{fmt.Errorf("source_ami %q: %w (the form is resolve:ssm:NAME, resolve:ssm:NAME:VERSION or resolve:ssm:NAME:LABEL)", c.SourceAMI, err)}
		}
	case c.SourceAMI != "" && !awsid.IsAMIID(c.SourceAMI):
		return []error{fmt.Errorf("source_ami %q is not an AMI ID (ami- and 8 or 17 hex digits); to look an image up by name use source_ami_filter, or name an SSM parameter with resolve:ssm:/images/base", c.SourceAMI)}
	case hasFilter && len(c.SourceAMIFilter.Filters) == 0:
		return []error{fmt.Errorf("source_ami_filter has owners but no filters: add filters = { name = \"...\" }")}
	}
	return nil
}

func (c *RunConfig) prepareNetwork() []error {
	var errs []error
	errs = append(errs, c.SubnetFilter.Filter.CopyOn(&c.SubnetFilter.Filters)...)
	errs = append(errs, c.SecurityGroupFilter.Filter.CopyOn(&c.SecurityGroupFilter.Filters)...)
	errs = append(errs, c.VpcFilter.Filter.CopyOn(&c.VpcFilter.Filters)...)
	if c.SecurityGroupID != "" {
		if len(c.SecurityGroupIDs) > 0 {
			errs = append(errs, fmt.Errorf("security_group_id and security_group_ids are both set: keep only one"))
		}
		c.SecurityGroupIDs = []string{c.SecurityGroupID}
	}
	if c.VpcID != "" && len(c.VpcFilter.Filters) > 0 {
		errs = append(errs, fmt.Errorf("vpc_id and vpc_filter are both set: keep only one"))
	}
	if c.SubnetID != "" && len(c.SubnetFilter.Filters) > 0 {
		errs = append(errs, fmt.Errorf("subnet_id and subnet_filter are both set: keep only one"))
	}
	if len(c.SecurityGroupIDs) > 0 && len(c.SecurityGroupFilter.Filters) > 0 {
		errs = append(errs, fmt.Errorf("security_group_ids and security_group_filter are both set: keep only one"))
	}
	usesOwnGroups := len(c.SecurityGroupIDs) > 0 || len(c.SecurityGroupFilter.Filters) > 0
	if usesOwnGroups && len(c.TemporarySGSourceCidrs) > 0 {
		errs = append(errs, fmt.Errorf("temporary_security_group_source_cidrs applies only to the temporary security group, "+
			"not to security_group_ids/security_group_filter: remove one of them"))
	}
	for _, cidr := range c.TemporarySGSourceCidrs {
		if _, _, err := net.ParseCIDR(cidr); err != nil {
			errs = append(errs, fmt.Errorf("temporary_security_group_source_cidrs: %q is not a CIDR block like \"203.0.113.7/32\"", cidr))
		}
	}
	if c.PublicIPDetectionURL == "" {
		c.PublicIPDetectionURL = defaultPublicIPDetectionURL
	}
	if u, err := url.Parse(c.PublicIPDetectionURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("public_ip_detection_url %q is not an http(s) URL", c.PublicIPDetectionURL))
	}
	if c.SSHInterface != "" && !slices.Contains(sshInterfaces, c.SSHInterface) {
		errs = append(errs, fmt.Errorf("ssh_interface %q is not one of %s", c.SSHInterface, strings.Join(sshInterfaces, ", ")))
	}
	return errs
}

func (c *RunConfig) prepareInstance() []error {
	var errs []error
	if c.UserData != "" && c.UserDataFile != "" {
		errs = append(errs, fmt.Errorf("user_data and user_data_file are both set: keep only one"))
	}
	if c.UserDataFile != "" {
		if _, err := os.Stat(c.UserDataFile); err != nil {
			errs = append(errs, fmt.Errorf("user_data_file %q cannot be read: %w", c.UserDataFile, err))
		}
	}
	if c.InstanceInitiatedShutdownBehavior == "" {
		c.InstanceInitiatedShutdownBehavior = "stop"
	}
	if b := c.InstanceInitiatedShutdownBehavior; b != "stop" && b != "terminate" {
		errs = append(errs, fmt.Errorf("shutdown_behavior %q must be \"stop\" or \"terminate\"", b))
	}
	return append(errs, c.Metadata.prepare()...)
}

func (m *MetadataOptions) prepare() []error {
	var errs []error
	oneOf := func(attr string, v *string, def string, allowed ...string) {
		if *v == "" {
			*v = def
		}
		if !slices.Contains(allowed, *v) {
			errs = append(errs, fmt.Errorf("metadata_options %s %q must be one of %s", attr, *v, strings.Join(allowed, ", ")))
		}
	}
	oneOf("http_endpoint", &m.HTTPEndpoint, "enabled", "enabled", "disabled")
	oneOf("http_tokens", &m.HTTPTokens, "required", "required", "optional")
	oneOf("instance_metadata_tags", &m.InstanceMetadataTags, "disabled", "enabled", "disabled")
	if m.HTTPPutResponseHopLimit == 0 && m.HTTPTokens == "required" {
		// IMDSv2's token answer must cross one hop more to reach a
		// container on the instance (docker's bridge); with EC2's
		// default of 1 containers get no instance credentials.
		m.HTTPPutResponseHopLimit = 2
	}
	if m.HTTPPutResponseHopLimit < 0 || m.HTTPPutResponseHopLimit > 64 {
		errs = append(errs, fmt.Errorf("metadata_options http_put_response_hop_limit %d must be 1 to 64", m.HTTPPutResponseHopLimit))
	}
	return errs
}

// warnings are choices that work but that a security reviewer would flag.
func (c *RunConfig) warnings() []string {
	var w []string
	for _, cidr := range c.TemporarySGSourceCidrs {
		if cidr == "0.0.0.0/0" || cidr == "::/0" {
			w = append(w, fmt.Sprintf("temporary_security_group_source_cidrs includes %s: SSH to the build instance is open to the whole internet", cidr))
		}
	}
	if c.TemporarySGSourcePublicIP && (len(c.SecurityGroupIDs) > 0 || len(c.SecurityGroupFilter.Filters) > 0) {
		w = append(w, "temporary_security_group_source_public_ip is ignored: security_group_ids/security_group_filter are used instead of a temporary group")
	}
	if c.TemporarySGSourcePublicIP && len(c.TemporarySGSourceCidrs) > 0 {
		w = append(w, "temporary_security_group_source_public_ip is ignored: temporary_security_group_source_cidrs is set")
	}
	if !c.SourceAMIFilter.Empty() && len(c.SourceAMIFilter.Owners) == 0 {
		w = append(w, "source_ami_filter has no owners: an image anyone published with a matching name may be chosen; set owners")
	}
	return w
}
