package tfvars

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsid"
)

// parseImages reads an artifact ID of the form "us-east-1:ami-a,us-west-2:ami-b"
// (immutable-ami and amazon-ebs both write it) into region → image ID.
// Splitting on the first ":" of each comma-separated pair avoids the
// `cut -d:` trap.
func parseImages(id string) (map[string]string, error) {
	images := map[string]string{}
	for pair := range strings.SplitSeq(id, ",") {
		region, ami, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok || region == "" || !awsid.IsAMIID(ami) {
			return nil, fmt.Errorf("artifact ID %q is not a list of region:ami-id pairs; immutable-tfvars needs an AMI builder such as immutable-ami or amazon-ebs before it", id)
		}
		if _, dup := images[region]; dup {
			return nil, fmt.Errorf("artifact ID %q names region %s twice", id, region)
		}
		images[region] = ami
	}
	return images, nil
}

// generatedData returns the builder's generated data (BuildRegion,
// SourceAMI …) as strings, empty when the artifact carries none. In-process
// it is a map[string]interface{}; through Packer's plugin RPC (msgpack) it
// arrives as map[interface{}]interface{}, as Packer core itself reads it.
func generatedData(a packersdk.Artifact) map[string]string {
	out := map[string]string{}
	put := func(k, v interface{}) {
		key, ok := k.(string)
		switch val := v.(type) {
		case string:
			if ok {
				out[key] = val
			}
		case []byte:
			if ok {
				out[key] = string(val)
			}
		}
	}
	switch gd := a.State("generated_data").(type) {
	case map[string]interface{}:
		for k, v := range gd {
			put(k, v)
		}
	case map[interface{}]interface{}:
		for k, v := range gd {
			put(k, v)
		}
	case map[string]string:
		maps.Copy(out, gd)
	}
	return out
}

// buildRegion picks the region whose image goes into `variable`: the
// configured one, else the builder's BuildRegion, else the only region.
func buildRegion(configured string, generated, images map[string]string) (string, error) {
	regions := slices.Sorted(maps.Keys(images))
	pick, from := configured, "region"
	if pick == "" {
		pick, from = generated["BuildRegion"], "the builder's BuildRegion"
	}
	if pick == "" {
		if len(regions) == 1 {
			return regions[0], nil
		}
		return "", fmt.Errorf("the artifact has images in %d regions (%s) and the builder reports no BuildRegion: set region = \"…\" in the immutable-tfvars block",
			len(regions), strings.Join(regions, ", "))
	}
	if _, ok := images[pick]; !ok {
		return "", fmt.Errorf("%s is %s, but the artifact has images only in %s: fix region in the immutable-tfvars block",
			from, pick, strings.Join(regions, ", "))
	}
	return pick, nil
}
