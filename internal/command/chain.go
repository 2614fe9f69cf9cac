package command

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
)

// maxChain bounds the walk down an image's sources (tags could loop).
const maxChain = 32

// runChain prints the lineage of image: the image, the one it was built
// on, and so on, down to an image this plugin did not build.
func runChain(a *awsOpts, image string, stdout, stderr io.Writer) int {
	ctx, cancel := interruptible()
	defer cancel()
	region, err := a.homeRegion(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	for depth, id := 0, image; id != "" && depth < maxChain; depth++ {
		img, found, err := describeImage(ctx, a, region, id)
		if err != nil {
			return fail(stderr, err)
		}
		indent := strings.Repeat("   ", max(depth-1, 0))
		if depth > 0 {
			indent += "└─ "
		}
		if !found {
			fmt.Fprintf(stdout, "%s%s (%s): not found (deregistered, or not shared with this account)\n", indent, id, region)
			if depth == 0 {
				return fail(stderr, fmt.Errorf("image %s not found in %s: name its region with -region", id, region))
			}
			return exitOK
		}
		tags := tagMap(img.Tags)
		fmt.Fprintf(stdout, "%s%s (%s, %s), %s\n", indent, id, aws.ToString(img.Name), region, describeLineage(img, tags))
		if !lineage.Ours(tags) {
			return exitOK
		}
		info := lineage.Parse(tags)
		if info.BuildRegion != "" {
			region = info.BuildRegion // a copy's source lives in the build region
		}
		id = info.SourceAMI
	}
	return exitOK
}

func describeImage(ctx context.Context, a *awsOpts, region, id string) (ec2types.Image, bool, error) {
	c, err := a.clients.EC2(ctx, region)
	if err != nil {
		return ec2types.Image{}, false, err
	}
	out, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{id}, IncludeDeprecated: aws.Bool(true), IncludeDisabled: aws.Bool(true)})
	if ec2wait.IsNotFound(err) {
		return ec2types.Image{}, false, nil
	}
	if err != nil {
		return ec2types.Image{}, false, fmt.Errorf("describing %s in %s: %w", id, region, err)
	}
	if len(out.Images) == 0 {
		return ec2types.Image{}, false, nil
	}
	return out.Images[0], true, nil
}

// describeLineage words what an image's tags say about where it came from.
func describeLineage(img ec2types.Image, tags map[string]string) string {
	if !lineage.Ours(tags) {
		return fmt.Sprintf("not built by this plugin (owner %s, created %s)", aws.ToString(img.OwnerId), aws.ToString(img.CreationDate))
	}
	in := lineage.Parse(tags)
	parts := []string{"built " + aws.ToString(img.CreationDate)}
	if in.Build != "" {
		parts = append(parts, "by "+in.Build)
	}
	if in.Template != "" {
		parts = append(parts, "template "+in.Template)
	}
	if in.GitCommit != "" {
		commit := "commit " + in.GitCommit
		if in.GitDirty != nil && *in.GitDirty {
			commit += " with uncommitted changes"
		}
		parts = append(parts, commit)
	}
	if in.Fingerprint != "" {
		parts = append(parts, "fingerprint "+in.Fingerprint)
	}
	if in.SourceParameter != "" {
		parts = append(parts, "source from "+in.SourceParameter)
	}
	if in.Depth > 0 {
		parts = append(parts, fmt.Sprintf("depth %d from %s", in.Depth, in.RootAMI))
	}
	return strings.Join(append(parts, "run "+in.BuildUUID), ", ")
}

func tagMap(tags []ec2types.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}
