package ami

import (
	"context"
	"fmt"
	"log"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
)

// reusedImage is the image StepReuseImage found, and the copies of it that
// existed before this build.
type reusedImage struct {
	Images            map[string]string // region -> AMI ID
	Name, Description string
}

// StepReuseImage looks, before anything is launched, for an available AMI
// of this account in the build region that carries the fingerprint of this
// build's inputs (reuse). When it finds one, that is the build's image:
// it finds the copies already in ami_regions too, and where a copy is
// still missing it makes sure the name is free there (deregistering
// another image of that name with force_deregister); the steps that
// launch and make an image are then skipped (stepUnlessReused). When it
// finds none, or -force was given, it runs the name check StepPreValidate
// left to it. It creates nothing and has nothing to undo.
// Uses: stateFingerprint. Puts, when it reuses:
// stateReused, stateAMIs, stateImages, stateLineageTags (the reused
// image's own).
type StepReuseImage struct {
	Clients         clientFor[deleteImageEC2]
	Region          string
	CopyRegions     []string
	AMIName         string
	Force           bool // packer build -force
	ForceDeregister bool
	DeleteSnapshots bool // force_delete_snapshot
	Polling         ec2wait.Options
}

func (s *StepReuseImage) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	fp, _ := stateGet[fingerprint](state, stateFingerprint)
	for _, p := range fp.Files.Paths {
		log.Printf("[DEBUG] reuse: fingerprint input %s", fp.Files.Rel(p))
	}
	why := fp.summary()
	if s.Force {
		uiOf(state).Say("Not looking for an image to reuse (packer build -force): building a new one")
		return s.buildAnew(ctx, state)
	}
	img, err := s.find(ctx, s.Region, fp.Hash)
	if err != nil {
		return halt(state, err)
	}
	if img == nil {
		uiOf(state).Say(fmt.Sprintf("No AMI of this account in %s carries fingerprint %s (%s): building a new one",
			s.Region, fp.Hash, why))
		return s.buildAnew(ctx, state)
	}
	r := reusedImage{Images: map[string]string{s.Region: aws.ToString(img.ImageId)},
		Name: aws.ToString(img.Name), Description: aws.ToString(img.Description)}
	described := map[string]ec2types.Image{s.Region: *img}
	uiOf(state).Say(fmt.Sprintf("Reusing AMI %s (%q, created %s) in %s: it carries fingerprint %s, the fingerprint of "+
		"this build's inputs (%s). Nothing is launched; packer build -force builds anew.",
		r.Images[s.Region], r.Name, aws.ToString(img.CreationDate), s.Region, fp.Hash, why))
	if err := s.findCopies(ctx, state, fp.Hash, &r, described); err != nil {
		return halt(state, err)
	}
	statePut(state, stateReused, r)
	statePut(state, stateAMIs, maps.Clone(r.Images))
	statePut(state, stateImages, described)
	statePut(state, stateLineageTags, lineage.Parse(imageTagMap(*img)).Tags())
	return multistep.ActionContinue
}

// findCopies adds the copies in ami_regions that carry the fingerprint to
// r, and frees the name where one is missing.
func (s *StepReuseImage) findCopies(ctx context.Context, state multistep.StateBag, fp string, r *reusedImage,
	described map[string]ec2types.Image) error {
	var missing []string
	for _, region := range s.CopyRegions {
		img, err := s.find(ctx, region, fp)
		if err != nil {
			return err
		}
		if img == nil {
			missing = append(missing, region)
			continue
		}
		r.Images[region], described[region] = aws.ToString(img.ImageId), *img
		uiOf(state).Say(fmt.Sprintf("Reusing its copy %s in %s", r.Images[region], region))
	}
	for _, region := range missing {
		if err := s.freeName(ctx, state, region, r.Name); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		uiOf(state).Say(fmt.Sprintf("It has no copy yet in %s: copying it there", strings.Join(missing, ", ")))
	}
	return nil
}

// buildAnew checks, as StepPreValidate would have, that ami_name is free
// in every region the new image goes to.
func (s *StepReuseImage) buildAnew(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	if s.ForceDeregister {
		return multistep.ActionContinue
	}
	for _, region := range append([]string{s.Region}, s.CopyRegions...) {
		c, err := s.Clients(ctx, region)
		if err == nil {
			err = checkNameFree(ctx, c, s.AMIName, region, region == s.Region)
		}
		if err != nil {
			return halt(state, err)
		}
	}
	return multistep.ActionContinue
}

// freeName makes sure a copy named name can be made in region.
func (s *StepReuseImage) freeName(ctx context.Context, state multistep.StateBag, region, name string) error {
	c, err := s.Clients(ctx, region)
	if err != nil {
		return err
	}
	if !s.ForceDeregister {
		return checkNameFree(ctx, c, name, region, false)
	}
	return deregisterNamed(ctx, state, c, region, name, s.DeleteSnapshots, s.Polling)
}

func (s *StepReuseImage) Cleanup(multistep.StateBag) {}
