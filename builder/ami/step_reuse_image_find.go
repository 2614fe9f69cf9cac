package ami

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
)

// find returns the newest available, not yet deprecated AMI of this
// account in region tagged with fingerprint fp, or nil. Only this plugin
// writes immutable: tags (templates may not), so such an image was made by
// a build from the same inputs and finished: the tags are its last step.
func (s *StepReuseImage) find(ctx context.Context, region, fp string) (*ec2types.Image, error) {
	c, err := s.Clients(ctx, region)
	if err != nil {
		return nil, err
	}
	out, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners:  []string{"self"},
		Filters: []ec2types.Filter{{Name: aws.String("tag:" + lineage.Fingerprint), Values: []string{fp}}},
	})
	if err != nil {
		return nil, fmt.Errorf("reuse: looking for an AMI with fingerprint %s in %s: %w", fp, region, err)
	}
	return newestReusable(out.Images, time.Now()), nil
}

// newestReusable picks the image to reuse among those carrying the
// fingerprint: available (not pending, failed or being deregistered), not
// deprecated at now, the most recently created.
func newestReusable(images []ec2types.Image, now time.Time) *ec2types.Image {
	var best *ec2types.Image
	for i := range images {
		img := &images[i]
		if img.State != ec2types.ImageStateAvailable || deprecated(img, now) {
			continue
		}
		if best == nil || aws.ToString(img.CreationDate) > aws.ToString(best.CreationDate) {
			best = img
		}
	}
	return best
}

// deprecated reports whether the image's deprecation time has passed.
func deprecated(img *ec2types.Image, now time.Time) bool {
	t, err := time.Parse(time.RFC3339, aws.ToString(img.DeprecationTime))
	return err == nil && !t.After(now)
}
