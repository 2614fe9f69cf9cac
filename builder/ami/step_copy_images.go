package ami

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/uuid"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type copyImagesEC2 interface {
	deleteImageEC2
	CopyImage(context.Context, *ec2.CopyImageInput, ...func(*ec2.Options)) (*ec2.CopyImageOutput, error)
}

// StepCopyImages copies the build region's AMI to every ami_regions region
// in parallel and waits for all copies together. Like StepCreateImage it
// remembers each copy as soon as CopyImage returns, so Cleanup removes
// copies whose wait failed, was cancelled, or that finished before a later
// step failed. With a reused image it copies it, under its own name and
// description, only to the regions where no copy exists yet (in stateAMIs).
// Uses: stateAMIs, stateReused. Puts: stateAMIs and stateImages with every
// region.
type StepCopyImages struct {
	Clients      clientFor[copyImagesEC2]
	SourceRegion string
	Regions      []string // without the source region
	Name         string
	Description  string
	Encrypt      bool
	RegionKMS    map[string]string
	Tags         map[string]string // put on each copy at creation (build UUID)
	// DurationMinutes (snapshot_copy_duration_minutes) asks for
	// time-based copies; 0 is best effort.
	DurationMinutes int64
	Ctx             interpolate.Context
	Polling         ec2wait.Options

	mu     sync.Mutex
	copies map[string]string // region -> AMI this step created
	images map[string]ec2types.Image
}

func (s *StepCopyImages) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	amis, _ := stateGet[map[string]string](state, stateAMIs)
	src := amis[s.SourceRegion]
	regions := slices.DeleteFunc(slices.Clone(s.Regions), func(r string) bool { return amis[r] != "" })
	if len(regions) == 0 || src == "" {
		return multistep.ActionContinue
	}
	name, desc, err := s.nameAndDescription(state)
	if err != nil {
		return halt(state, err)
	}
	uiOf(state).Say(fmt.Sprintf("Copying AMI %s to %v ...", src, regions))
	errs := make([]error, len(regions))
	var wg sync.WaitGroup
	for i, region := range regions {
		wg.Go(func() { errs[i] = s.copyTo(ctx, state, region, src, name, desc) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return halt(state, err)
	}
	all := maps.Clone(amis)
	maps.Copy(all, s.copies)
	statePut(state, stateAMIs, all)
	described, _ := stateGet[map[string]ec2types.Image](state, stateImages)
	described = maps.Clone(described)
	if described == nil {
		described = map[string]ec2types.Image{}
	}
	maps.Copy(described, s.images)
	statePut(state, stateImages, described)
	return multistep.ActionContinue
}

// nameAndDescription are the copies': the template's, or a reused image's
// own.
func (s *StepCopyImages) nameAndDescription(state multistep.StateBag) (string, string, error) {
	if r, ok := stateGet[reusedImage](state, stateReused); ok {
		return r.Name, r.Description, nil
	}
	desc, err := newRenderer(state, s.Ctx)("ami_description", s.Description)
	return s.Name, desc, err
}

// copyTo makes and awaits one copy.
func (s *StepCopyImages) copyTo(ctx context.Context, state multistep.StateBag, region, src, name, desc string) error {
	c, err := s.Clients(ctx, region)
	if err != nil {
		return fmt.Errorf("copying AMI %s to %s: %w", src, region, err)
	}
	in := &ec2.CopyImageInput{
		ClientToken:   aws.String(uuid.NewString()), // SDK retries must not copy twice
		SourceImageId: aws.String(src), SourceRegion: aws.String(s.SourceRegion),
		Name: aws.String(name), Description: optional(desc),
		TagSpecifications: tagSpecs(s.Tags, ec2types.ResourceTypeImage, ec2types.ResourceTypeSnapshot),
	}
	if s.Encrypt {
		in.Encrypted, in.KmsKeyId = aws.Bool(true), optional(s.RegionKMS[region])
	}
	if s.DurationMinutes > 0 {
		in.SnapshotCopyCompletionDurationMinutes = aws.Int64(s.DurationMinutes)
	}
	cctx, cancel := uninterruptible(ctx)
	defer cancel()
	out, err := c.CopyImage(cctx, in)
	if err != nil {
		return fmt.Errorf("copying AMI %s to %s: %w", src, region, err)
	}
	id := aws.ToString(out.ImageId)
	s.remember(region, id, nil)
	uiOf(state).Say(fmt.Sprintf("AMI copy in %s: %s", region, id))
	img, err := waitImageAvailable(ctx, c, uiOf(state).Say, region, id, s.waitOptions())
	if err == nil {
		s.remember(region, id, &img)
	}
	return err
}

// copyDurationMargin is what a time-based copy's wait allows beyond
// snapshot_copy_duration_minutes: EC2 registers the copy once its
// snapshots are done.
const copyDurationMargin = 15 * time.Minute

// waitOptions are the copy waits': unless aws_polling sets a limit, a
// time-based copy gets its duration and a margin, at least the image
// waits' default.
func (s *StepCopyImages) waitOptions() ec2wait.Options {
	o := s.Polling
	if s.DurationMinutes > 0 && o.Timeout == 0 {
		o.Timeout = max(ec2wait.LimitImage, time.Duration(s.DurationMinutes)*time.Minute+copyDurationMargin)
		o.LimitFrom = fmt.Sprintf("snapshot_copy_duration_minutes %d and %s, at least the image waits' %s",
			s.DurationMinutes, copyDurationMargin, ec2wait.LimitImage)
	}
	return o
}

// remember notes a copy the moment EC2 returns its ID, and the copy as
// described once available.
func (s *StepCopyImages) remember(region, id string, img *ec2types.Image) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.copies == nil {
		s.copies, s.images = map[string]string{}, map[string]ec2types.Image{}
	}
	s.copies[region] = id
	if img != nil {
		s.images[region] = *img
	}
}

// Cleanup removes every copy this step made when the build failed or was
// cancelled.
func (s *StepCopyImages) Cleanup(state multistep.StateBag) {
	s.mu.Lock()
	copies := maps.Clone(s.copies)
	s.mu.Unlock()
	if !buildFailed(state) || len(copies) == 0 {
		return
	}
	removeImages(state, func(ctx context.Context, r string) (deleteImageEC2, error) { return s.Clients(ctx, r) }, copies, s.Polling)
}
