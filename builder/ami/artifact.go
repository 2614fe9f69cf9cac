package ami

import (
	"context"
	"errors"
	"fmt"
	"log"
	"maps"
	"slices"
	"strings"
	"sync"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	registryimage "github.com/hashicorp/packer-plugin-sdk/packer/registry/image"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// Artifact is the result of a build: one AMI per region.
type Artifact struct {
	// Amis maps region to AMI ID.
	Amis map[string]string
	// BuilderIdValue is BuilderID; post-processors check it.
	BuilderIdValue string
	// StateData holds "generated_data" (SourceAMI, BuildRegion …) and the
	// HCP Packer registry images.
	StateData map[string]any
	// Reused maps region to the AMIs an earlier build made and this one
	// reused (reuse): Destroy never removes them.
	Reused map[string]string
	// Clients makes EC2 clients for Destroy.
	Clients clientFor[deleteImageEC2]
}

// newArtifact builds the artifact from the build's state, or returns nil
// when no AMI was made (skip_create_ami), so Packer reports no artifact.
func newArtifact(state multistep.StateBag, clients clientFor[deleteImageEC2]) *Artifact {
	amis, _ := stateGet[map[string]string](state, stateAMIs)
	if len(amis) == 0 {
		return nil
	}
	data, _ := stateGet[map[string]any](state, stateGeneratedData)
	r, _ := stateGet[reusedImage](state, stateReused)
	a := &Artifact{Amis: maps.Clone(amis), BuilderIdValue: BuilderID, Clients: clients, Reused: maps.Clone(r.Images),
		StateData: map[string]any{"generated_data": data}}
	src, _ := stateGet[ec2types.Image](state, stateSourceImage)
	a.StateData[registryimage.ArtifactStateURI] = a.registryImages(src.ImageId, data)
	return a
}

func (a *Artifact) BuilderId() string { return a.BuilderIdValue }

// Files is nil: an AMI lives in EC2, not on disk.
func (a *Artifact) Files() []string { return nil }

// Id is "region:ami-id" pairs sorted by region and comma-joined, as
// amazon-ebs, so tools that parse its artifact IDs keep working.
func (a *Artifact) Id() string {
	parts := make([]string, 0, len(a.Amis))
	for _, r := range slices.Sorted(maps.Keys(a.Amis)) {
		parts = append(parts, r+":"+a.Amis[r])
	}
	return strings.Join(parts, ",")
}

func (a *Artifact) String() string {
	lines := make([]string, 0, len(a.Amis))
	for _, r := range slices.Sorted(maps.Keys(a.Amis)) {
		line := fmt.Sprintf("%s: %s", r, a.Amis[r])
		if a.Reused[r] == a.Amis[r] {
			line += " (reused: an earlier build made it from the same inputs)"
		}
		lines = append(lines, line)
	}
	head := "AMIs were created:\n"
	if len(a.Reused) > 0 {
		head = "AMIs:\n"
	}
	return head + strings.Join(lines, "\n") + "\n"
}

func (a *Artifact) State(name string) any { return a.StateData[name] }

// registryImages is the HCP Packer registry metadata: one image per region
// with the source image and the generated data as labels.
func (a *Artifact) registryImages(sourceID *string, data map[string]any) []*registryimage.Image {
	var images []*registryimage.Image
	for _, r := range slices.Sorted(maps.Keys(a.Amis)) {
		img := &registryimage.Image{ImageID: a.Amis[r], ProviderName: "aws", ProviderRegion: r, Labels: map[string]string{}}
		if sourceID != nil {
			img.SourceImageID = *sourceID
		}
		if err := registryimage.SetLabels(data)(img); err != nil {
			log.Printf("[DEBUG] registry labels: %v", err)
		}
		images = append(images, img)
	}
	return images
}

// Destroy deregisters every AMI and deletes its snapshots, in every region
// at once, except those reused: Packer destroys the artifact when a
// post-processor fails, and a reused image was not this build's to remove.
// Errors come in region order.
func (a *Artifact) Destroy() error {
	ctx := context.Background()
	regions := slices.Sorted(maps.Keys(a.Amis))
	errs := make([]error, len(regions))
	var wg sync.WaitGroup
	for i, r := range regions {
		if a.Reused[r] == a.Amis[r] {
			log.Printf("[INFO] keeping AMI %s in %s: reused, made by an earlier build", a.Amis[r], r)
			continue
		}
		log.Printf("[DEBUG] destroying AMI %s in %s", a.Amis[r], r)
		wg.Go(func() {
			c, err := a.Clients(ctx, r)
			if err == nil {
				err = deleteImage(ctx, c, a.Amis[r], true, ec2wait.Options{NotFoundGrace: -1}) // long visible
			}
			if err != nil {
				errs[i] = fmt.Errorf("destroying AMI %s in %s: %w", a.Amis[r], r, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
