package ami

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtunnel"
)

// clientFor returns the EC2 client for a region, narrowed to what one step
// calls (copies, tags and cleanup work in every ami_regions region).
type clientFor[T any] func(ctx context.Context, region string) (T, error)

// forRegion narrows the build's EC2 clients to the interface T a step
// declares.
func forRegion[T any](clients *awsaccess.Clients) clientFor[T] { return narrow[T](clients.EC2) }

// narrow turns a client getter (one of awsaccess.Clients' methods) into a
// clientFor the interface T a step declares.
func narrow[T, C any](get func(context.Context, string) (C, error)) clientFor[T] {
	return func(ctx context.Context, region string) (T, error) {
		cl, err := get(ctx, region)
		if err != nil {
			var zero T
			return zero, err
		}
		return any(cl).(T), nil
	}
}

// *ec2.Client has every narrow interface handed out through forRegion, so
// its type assertion cannot fail.
var (
	_ describeImagesEC2 = (*ec2.Client)(nil)
	_ deleteImageEC2    = (*ec2.Client)(nil)
	_ copyImagesEC2     = (*ec2.Client)(nil)
	_ modifyImageEC2    = (*ec2.Client)(nil)
	_ tagImagesEC2      = (*ec2.Client)(nil)
	_ shareSnapshotsEC2 = (*ec2.Client)(nil)
	_ protectImagesEC2  = (*ec2.Client)(nil)

	_ callerIdentitySTS = (*sts.Client)(nil)
	_ sweepEC2          = (*ec2.Client)(nil)

	_ getInstanceProfileIAM = (*iam.Client)(nil)
	_ temporaryProfileIAM   = (*iam.Client)(nil)

	_ sessionSSM    = (*ssm.Client)(nil)
	_ ssmtunnel.KMS = (*kms.Client)(nil)
)
