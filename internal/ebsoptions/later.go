package ebsoptions

// LaterOption is an amazon-ebs option that AmazonVersion's spec does not
// have, with the amazon-ebs release that added it.
type LaterOption struct {
	Option
	Since string
}

// Later lists the options amazon-ebs added after AmazonVersion, which the
// Go module proxy here does not serve. Read from the tags of
// github.com/hashicorp/packer-plugin-amazon (generated *.hcl2spec.go of
// builder/ebs and the common packages, v1.2.2 to v1.8.2); add new ones
// here with the release that added them.
var Later = []LaterOption{
	{Option{Path: "imds_support", Kind: Attr, Type: "string"}, "v1.2.2"},
	{Option{Path: "fast_launch", Kind: Block}, "v1.2.2"},
	{Option{Path: "fast_launch.enable_fast_launch", Kind: Attr, Type: "bool"}, "v1.2.2"},
	{Option{Path: "fast_launch.max_parallel_launches", Kind: Attr, Type: "number"}, "v1.2.2"},
	{Option{Path: "fast_launch.target_resource_count", Kind: Attr, Type: "number"}, "v1.2.2"},
	{Option{Path: "fast_launch.template_id", Kind: Attr, Type: "string"}, "v1.2.2"},
	{Option{Path: "fast_launch.template_name", Kind: Attr, Type: "string"}, "v1.2.2"},
	{Option{Path: "fast_launch.template_version", Kind: Attr, Type: "number"}, "v1.2.2"},
	{Option{Path: "placement.host_id", Kind: Attr, Type: "string"}, "v1.2.8"},
	{Option{Path: "source_ami_filter.include_deprecated", Kind: Attr, Type: "bool"}, "v1.2.8"},
	{Option{Path: "fast_launch.region_launch_templates", Kind: BlockList}, "v1.3.0"},
	{Option{Path: "fast_launch.region_launch_templates.enable_fast_launch", Kind: Attr, Type: "bool"}, "v1.3.0"},
	{Option{Path: "fast_launch.region_launch_templates.region", Kind: Attr, Type: "string"}, "v1.3.0"},
	{Option{Path: "fast_launch.region_launch_templates.template_id", Kind: Attr, Type: "string"}, "v1.3.0"},
	{Option{Path: "fast_launch.region_launch_templates.template_name", Kind: Attr, Type: "string"}, "v1.3.0"},
	{Option{Path: "fast_launch.region_launch_templates.template_version", Kind: Attr, Type: "number"}, "v1.3.0"},
	{Option{Path: "deregistration_protection", Kind: Block}, "v1.3.4"},
	{Option{Path: "deregistration_protection.enabled", Kind: Attr, Type: "bool"}, "v1.3.4"},
	{Option{Path: "deregistration_protection.with_cooldown", Kind: Attr, Type: "bool"}, "v1.3.4"},
	{Option{Path: "skip_ami_run_tags", Kind: Attr, Type: "bool"}, "v1.3.7"},
	{Option{Path: "snapshot_copy_duration_minutes", Kind: Attr, Type: "number"}, "v1.3.7"},
	{Option{Path: "spot_allocation_strategy", Kind: Attr, Type: "string"}, "v1.3.8"},
}

// Since is the amazon-ebs release that added the option at path:
// AmazonVersion (or earlier) unless Later says otherwise.
func Since(path string) string {
	for _, l := range Later {
		if l.Path == path {
			return l.Since
		}
	}
	return AmazonVersion
}
