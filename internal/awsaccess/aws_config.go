package awsaccess

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// AWSConfig loads the SDK configuration for region: endpoints and HTTP
// settings, our retry policy, and the credentials the template asks for
// (see AccessConfig), which every secret they hold is masked in logs.
func (c *AccessConfig) AWSConfig(ctx context.Context, region string) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx, c.loadOptions(region)...)
	var noMFA config.AssumeRoleTokenProviderNotSetError
	if errors.As(err, &noMFA) {
		return aws.Config{}, fmt.Errorf("profile %q assumes a role that requires MFA (mfa_serial): set mfa_code to the current code, "+
			"e.g. -var mfa_code=123456: %w", c.Profile, err)
	}
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS configuration (profile %q, region %s): %w", c.Profile, region, err)
	}
	if !c.VaultAWSEngine.Empty() {
		cfg.Credentials = aws.NewCredentialsCache(&c.VaultAWSEngine)
	}
	if c.AssumeRole.RoleARN != "" {
		cfg.Credentials = aws.NewCredentialsCache(c.AssumeRole.provider(sts.NewFromConfig(cfg)))
	}
	if cfg.Credentials != nil {
		cfg.Credentials = maskedCredentials{cfg.Credentials}
	}
	if c.DecodeAuthorizationMessages {
		cfg.APIOptions = append(cfg.APIOptions, decodeAuthorizationMessages(sts.NewFromConfig(cfg)))
	}
	return cfg, nil
}

// loadOptions are the SDK loading options the attributes ask for.
func (c *AccessConfig) loadOptions(region string) []func(*config.LoadOptions) error {
	opts := []func(*config.LoadOptions) error{config.WithRetryer(c.retryer)}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	if c.SharedCredentialsFile != "" {
		opts = append(opts, config.WithSharedCredentialsFiles([]string{c.SharedCredentialsFile}))
	}
	if c.AccessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(c.AccessKey, c.SecretKey, c.Token)))
	}
	if c.SkipMetadataAPICheck {
		opts = append(opts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	if c.MFACode != "" {
		code := c.MFACode
		opts = append(opts, config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
			o.TokenProvider = func() (string, error) { return code, nil }
		}))
	}
	if c.InsecureSkipTLSVerify {
		opts = append(opts, config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			if tr.TLSClientConfig == nil {
				tr.TLSClientConfig = &tls.Config{}
			}
			tr.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // the user asked for it (insecure_skip_tls_verify)
		})))
	}
	return opts
}

// EC2 returns a new EC2 client for region, at custom_endpoint_ec2 if set. A
// build shares clients through Clients instead.
func (c *AccessConfig) EC2(ctx context.Context, region string) (*ec2.Client, error) {
	cfg, err := c.AWSConfig(ctx, region)
	if err != nil {
		return nil, err
	}
	return c.ec2FromConfig(cfg), nil
}

func (c *AccessConfig) ec2FromConfig(cfg aws.Config) *ec2.Client {
	return ec2.NewFromConfig(cfg, func(o *ec2.Options) {
		if c.CustomEndpointEC2 != "" {
			o.BaseEndpoint = aws.String(c.CustomEndpointEC2)
		}
	})
}
