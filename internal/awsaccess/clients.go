package awsaccess

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Clients makes one client per service and region and shares them: a build
// creates one Clients (Builder.Run) and hands it to every step that works in
// several regions (ami_regions copies, tags, cleanup) and to the artifact.
// All regions and services share one credentials cache, so an assumed role
// or a Vault lease is fetched once per build, not once per client.
type Clients struct {
	access *AccessConfig

	mu          sync.Mutex
	credentials aws.CredentialsProvider
	configs     map[string]aws.Config
	ec2         map[string]*ec2.Client
	sts         map[string]*sts.Client
	iam         map[string]*iam.Client
	ssm         map[string]*ssm.Client
	kms         map[string]*kms.Client

	uncertain atomic.Bool // see CreatesUncertain
}

// NewClients makes clients with the access settings c.
func NewClients(c *AccessConfig) *Clients {
	return &Clients{access: c, configs: map[string]aws.Config{}, ec2: map[string]*ec2.Client{}, sts: map[string]*sts.Client{},
		iam: map[string]*iam.Client{}, ssm: map[string]*ssm.Client{}, kms: map[string]*kms.Client{}}
}

// EC2 returns the EC2 client for region (at custom_endpoint_ec2 if set),
// making it on first use.
func (c *Clients) EC2(ctx context.Context, region string) (*ec2.Client, error) {
	return cached(c, ctx, c.ec2, region, c.access.ec2FromConfig)
}

// STS returns the STS client for region, making it on first use.
func (c *Clients) STS(ctx context.Context, region string) (*sts.Client, error) {
	return cached(c, ctx, c.sts, region, func(cfg aws.Config) *sts.Client { return sts.NewFromConfig(cfg) })
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

// cached returns m[region], or makes it with newClient from region's
// configuration and remembers it.
func cached[T any](c *Clients, ctx context.Context, m map[string]T, region string, newClient func(aws.Config) T) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := m[region]; ok {
		return cl, nil
	}
	cfg, err := c.config(ctx, region)
	if err != nil {
		var zero T
		return zero, err
	}
	cl := newClient(cfg)
	m[region] = cl
	return cl, nil
}

// config is region's SDK configuration with the build's shared credentials;
// c.mu is held.
func (c *Clients) config(ctx context.Context, region string) (aws.Config, error) {
	if cfg, ok := c.configs[region]; ok {
		return cfg, nil
	}
	cfg, err := c.access.AWSConfig(ctx, region)
	if err != nil {
		return aws.Config{}, err
	}
	if c.credentials == nil {
		c.credentials = cfg.Credentials
	}
	cfg.Credentials = c.credentials
	cfg.APIOptions = append(cfg.APIOptions, watchCreates(&c.uncertain))
	c.configs[region] = cfg
	return cfg, nil
}
