package ami

import (
	"context"
	"fmt"
	"log"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/uuid"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

type createImageEC2 interface {
	deleteImageEC2
	CreateImage(context.Context, *ec2.CreateImageInput, ...func(*ec2.Options)) (*ec2.CreateImageOutput, error)
	CopyImage(context.Context, *ec2.CopyImageInput, ...func(*ec2.Options)) (*ec2.CopyImageOutput, error)
}

// StepCreateImage makes the AMI from the stopped build instance and waits
// until it is available. With encrypt_boot it then copies the image
// encrypted in the same region and removes the unencrypted intermediate (as
// amazon-ebs does: CreateImage cannot change a volume's encryption). Every
// AMI is remembered the moment EC2 returns its ID, before any wait, so a
// failed or cancelled build never leaves one registered (amazon-ebs
// remembers it only after the wait, packer#10248).
// Uses: stateInstanceID, stateGeneratedData. Puts: stateAMIs {Region: id},
// stateImages.
type StepCreateImage struct {
	EC2         createImageEC2
	Region      string
	Name        string
	Description string // rendered with the generated data
	Mappings    []BlockDevice
	Tags        map[string]string // put on the image at creation (build UUID)
	Encrypt     bool
	KmsKeyID    string
	// TemporaryName (skip_save_build_region) gives the image a throwaway
	// name: it only feeds the copies to ami_regions and is then dropped.
	TemporaryName bool
	// BuildID finds an image a lost CreateImage answer left (BuildIDTagKey).
	BuildID string
	Ctx     interpolate.Context
	Polling ec2wait.Options

	images  []string // AMIs this step created and has not removed yet
	tmpName string   // the throwaway name, with TemporaryName
}

func (s *StepCreateImage) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	desc, err := newRenderer(state, s.Ctx)("ami_description", s.Description)
	if err != nil {
		return halt(state, err)
	}
	name := s.finalName()
	if s.Encrypt {
		name = "immutable-unencrypted-" + uuid.NewString() // the final name goes to the encrypted copy
	}
	img, err := s.create(ctx, state, name, desc)
	if err != nil {
		return halt(state, err)
	}
	if s.Encrypt {
		if img, err = s.encrypt(ctx, state, aws.ToString(img.ImageId), desc); err != nil {
			return halt(state, err)
		}
	}
	statePut(state, stateAMIs, map[string]string{s.Region: aws.ToString(img.ImageId)})
	statePut(state, stateImages, map[string]ec2types.Image{s.Region: img})
	return multistep.ActionContinue
}

// create calls CreateImage and waits for the image.
func (s *StepCreateImage) create(ctx context.Context, state multistep.StateBag, name, desc string) (ec2types.Image, error) {
	instanceID, _ := stateGet[string](state, stateInstanceID)
	uiOf(state).Say(fmt.Sprintf("Creating AMI %s from instance %s ...", name, instanceID))
	id, err := s.createImage(ctx, &ec2.CreateImageInput{
		InstanceId:          aws.String(instanceID),
		Name:                aws.String(name),
		Description:         optional(desc),
		BlockDeviceMappings: BuildBlockDeviceMappings(s.Mappings),
		TagSpecifications:   tagSpecs(s.Tags, ec2types.ResourceTypeImage, ec2types.ResourceTypeSnapshot),
	})
	if err != nil {
		return ec2types.Image{}, fmt.Errorf("creating AMI %s from instance %s: %w", name, instanceID, err)
	}
	s.images = append(s.images, id)
	uiOf(state).Say(fmt.Sprintf("AMI: %s", id))
	return waitImageAvailable(ctx, s.EC2, uiOf(state).Say, s.Region, id, s.Polling)
}

// encrypt copies image src encrypted in the build region, waits for the
// copy and removes src.
func (s *StepCreateImage) encrypt(ctx context.Context, state multistep.StateBag, src, desc string) (ec2types.Image, error) {
	uiOf(state).Say(fmt.Sprintf("Copying AMI %s with an encrypted boot volume ...", src))
	cctx, cancel := uninterruptible(ctx)
	defer cancel()
	out, err := s.EC2.CopyImage(cctx, &ec2.CopyImageInput{
		ClientToken:   aws.String(uuid.NewString()), // SDK retries must not copy twice
		SourceImageId: aws.String(src), SourceRegion: aws.String(s.Region),
		Name: aws.String(s.finalName()), Description: optional(desc),
		Encrypted: aws.Bool(true), KmsKeyId: optional(s.KmsKeyID),
		TagSpecifications: tagSpecs(s.Tags, ec2types.ResourceTypeImage, ec2types.ResourceTypeSnapshot),
	})
	if err != nil {
		return ec2types.Image{}, fmt.Errorf("copying AMI %s encrypted: %w", src, err)
	}
	id := aws.ToString(out.ImageId)
	s.images = append(s.images, id)
	uiOf(state).Say(fmt.Sprintf("Encrypted AMI: %s", id))
	img, err := waitImageAvailable(ctx, s.EC2, uiOf(state).Say, s.Region, id, s.Polling)
	if err != nil {
		return img, err
	}
	uiOf(state).Say(fmt.Sprintf("Deregistering the unencrypted intermediate AMI %s ...", src))
	if err := deleteImage(ctx, s.EC2, src, true, s.Polling); err != nil {
		// The encrypted image is finished: a leftover intermediate is
		// reported (and tried again by StepSweepStrays), never a reason
		// to throw the result away.
		leftBehind(state, "the unencrypted intermediate AMI", src, fmt.Sprintf("aws ec2 deregister-image --region %s "+
			"--image-id %s --delete-associated-snapshots", s.Region, src), err)
		return img, nil
	}
	s.images = slices.DeleteFunc(s.images, func(i string) bool { return i == src })
	return img, nil
}

// finalName is the name of the image this step hands on: ami_name, or a
// throwaway unique one with TemporaryName.
func (s *StepCreateImage) finalName() string {
	if !s.TemporaryName {
		return s.Name
	}
	if s.tmpName == "" {
		s.tmpName = "immutable-intermediate-" + uuid.NewString()
	}
	return s.tmpName
}

// Cleanup removes this step's AMIs (and snapshots) when the build failed or
// was cancelled, including one whose wait never finished, but not one a
// later step already deregistered (skip_save_build_region).
func (s *StepCreateImage) Cleanup(state multistep.StateBag) {
	gone, _ := stateGet[[]string](state, stateDeregisteredAMIs)
	images := slices.DeleteFunc(slices.Clone(s.images), func(id string) bool { return slices.Contains(gone, id) })
	if !buildFailed(state) || len(images) == 0 {
		return
	}
	log.Printf("[DEBUG] build failed or cancelled: removing AMIs %v", images)
	for _, id := range images {
		removeImages(state, func(context.Context, string) (deleteImageEC2, error) { return s.EC2, nil },
			map[string]string{s.Region: id}, s.Polling)
	}
}

// optional is nil for "", so EC2 gets no empty parameter.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
