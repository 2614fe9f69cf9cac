package awsaccess

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// Clients makes one client per service and region and shares it: a build
// creates one Clients (Builder.Run) and hands it to every step that works in
// several regions (ami_regions copies, tags, cleanup) and to the artifact.
type Clients struct {
	access *AccessConfig

	mu       sync.Mutex
	byRegion map[string]*ec2.Client
	iam      map[string]*iam.Client
	ssm      map[string]*ssm.Client
	kms      map[string]*kms.Client
}

// NewClients makes clients with the access settings c.
func NewClients(c *AccessConfig) *Clients {
	return &Clients{access: c, byRegion: map[string]*ec2.Client{}, iam: map[string]*iam.Client{}, ssm: map[string]*ssm.Client{},
		kms: map[string]*kms.Client{}}
}

// EC2 returns the client for region, making it on first use.
func (c *Clients) EC2(ctx context.Context, region string) (*ec2.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := c.byRegion[region]; ok {
		return cl, nil
	}
	cl, err := c.access.EC2(ctx, region)
	if err != nil {
		return nil, err
	}
	c.byRegion[region] = cl
	return cl, nil
}

// IAM returns an IAM client (IAM is global; region picks the partition's
// endpoint), making it on first use.
func (c *Clients) IAM(ctx context.Context, region string) (*iam.Client, error) {
	return cached(c, ctx, c.iam, region, func(cfg aws.Config) *iam.Client { return iam.NewFromConfig(cfg) })
}

// SSM returns the Systems Manager client for region, making it on first use.
func (c *Clients) SSM(ctx context.Context, region string) (*ssm.Client, error) {
	return cached(c, ctx, c.ssm, region, func(cfg aws.Config) *ssm.Client { return ssm.NewFromConfig(cfg) })
}

// KMS returns the KMS client for region, making it on first use.
func (c *Clients) KMS(ctx context.Context, region string) (*kms.Client, error) {
	return cached(c, ctx, c.kms, region, func(cfg aws.Config) *kms.Client { return kms.NewFromConfig(cfg) })
}

// cached returns m[region], or makes it with newClient from the access
// settings and remembers it.
func cached[T any](c *Clients, ctx context.Context, m map[string]T, region string, newClient func(aws.Config) T) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := m[region]; ok {
		return cl, nil
	}
	cfg, err := c.access.AWSConfig(ctx, region)
	if err != nil {
		var zero T
		return zero, err
	}
	cl := newClient(cfg)
	m[region] = cl
	return cl, nil
}
