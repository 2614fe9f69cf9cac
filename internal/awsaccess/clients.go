package ami

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// clientFor returns the EC2 client for a region, narrowed to what one step
// calls (copies, tags and cleanup work in every ami_regions region).
type clientFor[T any] func(ctx context.Context, region string) (T, error)

// clientCache makes one EC2 client per region and shares it between steps.
type clientCache struct {
	mu      sync.Mutex
	clients map[string]*ec2.Client
	make    func(ctx context.Context, region string) (*ec2.Client, error)
}

func newClientCache(make func(context.Context, string) (*ec2.Client, error)) *clientCache {
	return &clientCache{clients: map[string]*ec2.Client{}, make: make}
}

func (c *clientCache) get(ctx context.Context, region string) (*ec2.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := c.clients[region]; ok {
		return cl, nil
	}
	cl, err := c.make(ctx, region)
	if err != nil {
		return nil, err
	}
	c.clients[region] = cl
	return cl, nil
}

// forRegion narrows the cache to the interface T a step declares; the
// compile-time assertions in image_steps.go guarantee *ec2.Client has it.
func forRegion[T any](c *clientCache) clientFor[T] {
	return func(ctx context.Context, region string) (T, error) {
		cl, err := c.get(ctx, region)
		if err != nil {
			var zero T
			return zero, err
		}
		return any(cl).(T), nil
	}
}
