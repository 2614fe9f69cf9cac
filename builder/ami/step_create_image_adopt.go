package ami

import (
	"context"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// createImage calls CreateImage until EC2 takes it, uninterruptibly, and
// returns the new image's ID. Right after "stopped", EC2 can still refuse
// the instance (IncorrectInstanceState, hashicorp/packer#9562): retried
// for a while. CreateImage has no client token in EC2's API, so a retry
// after a lost answer (the SDK's own) finds the name taken
// (InvalidAMIName.Duplicate): the image this build made under that name is
// adopted instead of being left behind.
func (s *StepCreateImage) createImage(ctx context.Context, in *ec2.CreateImageInput) (string, error) {
	cctx, cancel := uninterruptible(ctx)
	defer cancel()
	opts := s.Polling
	opts.Tolerate = ec2wait.Codes("IncorrectInstanceState")
	var id string
	err := ec2wait.Retry(cctx, "creating AMI "+aws.ToString(in.Name), opts, func(ctx context.Context) error {
		out, err := s.EC2.CreateImage(ctx, in)
		if ec2wait.Code(err) == "InvalidAMIName.Duplicate" {
			if id = s.adopt(ctx, aws.ToString(in.Name)); id != "" {
				return nil
			}
		}
		if err != nil {
			return err
		}
		id = aws.ToString(out.ImageId)
		return nil
	})
	return id, err
}

// adopt returns this build's image named name, or "" when the name is
// someone else's.
func (s *StepCreateImage) adopt(ctx context.Context, name string) string {
	if s.BuildID == "" {
		return ""
	}
	out, err := s.EC2.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}, Filters: []ec2types.Filter{
		{Name: aws.String("name"), Values: []string{name}},
		{Name: aws.String("tag:" + BuildIDTagKey), Values: []string{s.BuildID}}}})
	if err != nil || len(out.Images) != 1 {
		return ""
	}
	id := aws.ToString(out.Images[0].ImageId)
	log.Printf("[DEBUG] AMI name %s is taken by %s, made by this build (a CreateImage whose answer was lost): taking it", name, id)
	return id
}
