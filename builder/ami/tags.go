package ami

import (
	"maps"
	"os"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/uuid"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
)

// BuildUUIDTagKey tags every resource a build creates with the build's run
// UUID, so anything left behind can be found and attributed:
// `aws ec2 describe-instances --filters Name=tag:immutable:build-uuid,Values=<uuid>`.
// It is the first of the image's lineage tags, all defined in
// internal/lineage.
const BuildUUIDTagKey = lineage.BuildUUID

// BuildIDTagKey tags everything one build (one source block) creates with
// an ID of its own. PACKER_RUN_UUID is shared by every build of one
// `packer build`, so it cannot tell parallel builds apart when a build
// looks for what it may have left (StepSweepStrays).
const BuildIDTagKey = "immutable:build-id"

// runUUID is Packer's run UUID (shared by all builds of one `packer build`),
// or a fresh one when the builder runs outside packer (tests).
func runUUID() string {
	if v := os.Getenv("PACKER_RUN_UUID"); v != "" {
		return v
	}
	return uuid.NewString()
}

// baseTags are the tags every temporary resource gets.
func baseTags(buildUUID, buildID string) map[string]string {
	return mergeTags(map[string]string{"Name": "Packer Builder"}, buildTags(buildUUID, buildID))
}

// buildTags are the tags everything the build makes carries, images and
// snapshots included, from their creation on.
func buildTags(buildUUID, buildID string) map[string]string {
	t := map[string]string{BuildUUIDTagKey: buildUUID}
	if buildID != "" {
		t[BuildIDTagKey] = buildID
	}
	return t
}

// ec2Tags turns a map into EC2 tags, sorted by key so requests are stable.
func ec2Tags(m map[string]string) []ec2types.Tag {
	tags := make([]ec2types.Tag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		tags = append(tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return tags
}

// tagSpecs tags resources of the given types at creation, so nothing exists
// untagged even for a moment.
func tagSpecs(m map[string]string, types ...ec2types.ResourceType) []ec2types.TagSpecification {
	if len(m) == 0 {
		return nil // EC2 refuses a tag specification without tags
	}
	specs := make([]ec2types.TagSpecification, 0, len(types))
	for _, t := range types {
		specs = append(specs, ec2types.TagSpecification{ResourceType: t, Tags: ec2Tags(m)})
	}
	return specs
}

// mergeTags returns a new map with later maps overriding earlier ones.
func mergeTags(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// id is the build's own ID (BuildIDTagKey).
func (b *Builder) id() string {
	if b.buildID == "" {
		b.buildID = uuid.NewString()
	}
	return b.buildID
}

// tempName names the build's temporary key pair, group and profile.
func (b *Builder) tempName() string { return "immutable-build-" + b.id() }
