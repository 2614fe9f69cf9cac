package awsaccess

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// Clients makes one EC2 client per region and shares it: a build creates one
// Clients (Builder.Run) and hands it to every step that works in several
// regions (ami_regions copies, tags, cleanup) and to the artifact.
type Clients struct {
	access *AccessConfig

	mu       sync.Mutex
	byRegion map[string]*ec2.Client
}

// NewClients makes clients with the access settings c.
func NewClients(c *AccessConfig) *Clients {
	return &Clients{access: c, byRegion: map[string]*ec2.Client{}}
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
