package command

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/prune"
)

// awsOpts are the flags of the commands that talk to AWS. Credentials and
// endpoints come from the SDK's standard chain, as for the builder.
type awsOpts struct {
	region, profile string
	access          *awsaccess.AccessConfig
	clients         *awsaccess.Clients
}

func awsFlags(fs *flag.FlagSet) *awsOpts {
	o := &awsOpts{}
	fs.StringVar(&o.region, "region", "", "AWS region (default: AWS_REGION, or the profile's region)")
	fs.StringVar(&o.profile, "profile", "", "profile of the shared AWS config files (default: AWS_PROFILE)")
	return o
}

func (o *awsOpts) init() {
	if o.access == nil {
		o.access = &awsaccess.AccessConfig{RawRegion: o.region, Profile: o.profile, MaxRetries: awsaccess.DefaultMaxRetries}
		o.clients = awsaccess.NewClients(o.access)
	}
}

// homeRegion is -region, else the SDK's default (AWS_REGION, profile).
func (o *awsOpts) homeRegion(ctx context.Context) (string, error) {
	o.init()
	if o.region != "" {
		return o.region, nil
	}
	cfg, err := o.access.AWSConfig(ctx, "")
	if err != nil {
		return "", err
	}
	if cfg.Region == "" {
		return "", fmt.Errorf("no AWS region: set -region, AWS_REGION or a region in the profile")
	}
	return cfg.Region, nil
}

// ssmClient is the SSM client for region, made once.
func (o *awsOpts) ssmClient(ctx context.Context, region string) (*ssm.Client, error) {
	o.init()
	return o.clients.SSM(ctx, region)
}

// cloud is how prune reaches AWS from the command line.
func (o *awsOpts) cloud() prune.Cloud {
	o.init()
	return prune.NewCloud(o.access, o.homeRegion)
}

// interruptible is a context that Ctrl-C cancels: the command stops at
// the next call, in a state that is safe to leave.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

// listFlag is a flag that may be repeated or given a comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}
