// Package prune removes the images this plugin built that no one needs any
// more, with their snapshots, in every region, and never one that a deploy
// could still pick: it keeps the newest of each build (or name prefix) and
// those younger than a limit, and whatever anything still names: a tfvars
// file or its history (every rollback target), any version of an SSM
// channel, an instance (running or stopped), or another image of ours
// built on it (lineage tags), with every region copy of each.
//
// Deleting is ordered so that an interruption at any point leaves no
// registered image without its snapshots (an image whose snapshots are gone
// is registered but cannot launch, and a deploy or an aws_ami lookup could
// still pick it): first the image's snapshots are marked with the image's
// ID (lineage.Pruning), then the image is deregistered, then its snapshots
// are deleted. Snapshots left by an interrupted run carry the mark and no
// registered image uses them: the next run deletes them, and never a
// snapshot without the mark.
package prune

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// EC2 is every EC2 call prune makes in a region.
type EC2 interface {
	DescribeImages(context.Context, *ec2.DescribeImagesInput, ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error)
	DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	DescribeSnapshots(context.Context, *ec2.DescribeSnapshotsInput, ...func(*ec2.Options)) (*ec2.DescribeSnapshotsOutput, error)
	CreateTags(context.Context, *ec2.CreateTagsInput, ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
	DeleteTags(context.Context, *ec2.DeleteTagsInput, ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error)
	DeregisterImage(context.Context, *ec2.DeregisterImageInput, ...func(*ec2.Options)) (*ec2.DeregisterImageOutput, error)
	DeleteSnapshot(context.Context, *ec2.DeleteSnapshotInput, ...func(*ec2.Options)) (*ec2.DeleteSnapshotOutput, error)
}

var _ EC2 = (*ec2.Client)(nil)

// Cloud is how prune reaches AWS: clients per region, and the regions to
// look in when none are given (the account's enabled regions).
type Cloud struct {
	EC2     func(ctx context.Context, region string) (EC2, error)
	SSM     func(ctx context.Context, region string) (ssmchannel.Reader, error)
	Regions func(ctx context.Context) ([]string, error)
}

// Policy says which images are beyond retention: those neither among the
// Keep newest of their group nor younger than KeepWithin.
type Policy struct {
	// Keep is how many of the newest images of each group stay, per
	// region; at least 1, so a build's new image is never pruned before
	// anything names it.
	Keep int
	// KeepWithin keeps every image younger than this (0: none by age;
	// the command line and the post-processor default to
	// DefaultKeepWithin).
	KeepWithin time.Duration
	// NamePrefixes, when set, group images by the longest of these
	// prefixes their name starts with (images matching none are left
	// alone); otherwise images are grouped by build name.
	NamePrefixes []string
	// Builds, when set, limits pruning to images of these builds (the
	// post-processor prunes behind its own build only).
	Builds []string
}

// Config is one prune: the policy, where to look, what protects images.
type Config struct {
	Policy  Policy
	Regions []string // none: every enabled region
	// Files are tfvars files: every image ID in them or in their history
	// (PATH.history.jsonl) stays. A missing file is an error, not "no
	// references": a mistyped path must not lose a rollback target.
	Files []string
	// Parameters are SSM parameters: every image any of their versions
	// holds stays, in each region.
	Parameters []string
	// PricePerGBMonth prices the snapshot storage a prune frees.
	PricePerGBMonth float64
	// Now is the time images' ages are measured at (zero: time.Now()).
	Now time.Time
}

// DefaultKeepWithin is the default age under which an image stays: a
// build that made an image a moment ago may still be writing it into a
// tfvars file or a channel (parallel builds of one template finish in any
// order), and pruning it then would leave that file naming a deleted image.
const DefaultKeepWithin = time.Hour

// DefaultPricePerGBMonth is the price of EBS snapshot storage in the
// standard tier in US East (N. Virginia), in US dollars per GB-month.
const DefaultPricePerGBMonth = 0.05

// Image is one of our images in one region, as prune found it.
type Image struct {
	Region, ID, Name, State string
	Created                 time.Time
	Tags                    map[string]string
	Snapshots               []string
}

// Snapshot is one EBS snapshot prune would delete or found orphaned.
type Snapshot struct {
	Region, ID string
	// Image is the image it belonged to (from the pruning mark for an
	// orphan).
	Image string
	// GiB is its size: the full size of the blocks it holds when EC2
	// reports it, else its volume's size.
	GiB float64
}
