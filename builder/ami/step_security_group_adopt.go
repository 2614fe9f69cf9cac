package ami

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// adopt takes the group this build already made under its name: the name
// is the build's own (a fresh UUID) and the group carries the build's tag,
// so a group of anyone else is never taken. EC2 may list a group made a
// moment ago only a little later: asked again, bounded.
func (s *StepSecurityGroup) adopt(ctx context.Context, vpc string) error {
	filters := []ec2types.Filter{{Name: aws.String("group-name"), Values: []string{s.Name}},
		{Name: aws.String("vpc-id"), Values: []string{vpc}}}
	if id := s.Tags[BuildIDTagKey]; id != "" {
		filters = append(filters, ec2types.Filter{Name: aws.String("tag:" + BuildIDTagKey), Values: []string{id}})
	}
	opts := s.Polling
	opts.Timeout = newIDGrace
	_, err := ec2wait.For(ctx, nil, "security group "+s.Name+" to be listed", opts, func(ctx context.Context) (bool, error) {
		out, err := s.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: filters})
		if err != nil || len(out.SecurityGroups) != 1 {
			return false, err
		}
		s.created = aws.ToString(out.SecurityGroups[0].GroupId)
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("creating temporary security group %s: EC2 says it exists (a retry after a lost answer), "+
			"but no group of that name carries this build's tag: %w", s.Name, err)
	}
	return nil
}
