package ami

import (
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// removeImages is the Cleanup of every step that creates AMIs: it deletes
// each remembered image, the regions at the same time (each deletion
// waits for its image to go before deleting its snapshots), and then names
// whatever could not be deleted, in region order, so the "delete by hand"
// lines stay readable.
// The grace for NotFound stays: an image created a moment ago (the build
// was cancelled right after CreateImage) may not be visible yet.
func removeImages(state multistep.StateBag, clients clientFor[deleteImageEC2], images map[string]string, opts ec2wait.Options) {
	ctx, cancel := cleanupContext()
	defer cancel()
	if opts.NotFoundGrace == 0 || opts.NotFoundGrace > cleanupNotFoundGrace {
		opts.NotFoundGrace = cleanupNotFoundGrace
	}
	regions := slices.Sorted(maps.Keys(images))
	errs := make([]error, len(regions))
	var wg sync.WaitGroup
	for i, region := range regions {
		uiOf(state).Say(fmt.Sprintf("Deregistering AMI %s in %s and deleting its snapshots ...", images[region], region))
		wg.Go(func() {
			c, err := clients(ctx, region)
			if err == nil {
				err = deleteImage(ctx, c, images[region], true, opts)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, region := range regions {
		if id := images[region]; errs[i] != nil {
			leftBehind(state, "AMI", id, fmt.Sprintf("aws ec2 deregister-image --region %s --image-id %s (then delete its snapshots: aws ec2 describe-snapshots --region %s --filters Name=description,Values='*%s*')", region, id, region, id), errs[i])
		}
	}
}
