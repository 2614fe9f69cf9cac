//go:generate go tool packer-sdc mapstructure-to-hcl2 -type AssumeRoleConfig,VaultAWSEngineOptions
//go:generate go tool packer-sdc struct-markdown

// Package awsaccess is how this project reaches AWS: which account and region
// (AccessConfig, squash-embedded into a component's config so its attributes
// sit at the top level of the block), the SDK configuration with our retry
// policy, credentials and endpoints, and one client per service and region
// shared by a whole build (Clients).
package awsaccess

// AccessConfig says which account and region the build talks to, with the
// attribute names of amazon-ebs. Credentials come, in this order, from
// vault_aws_engine, access_key/secret_key, shared_credentials_file and
// profile, then the AWS SDK's standard chain (environment, shared files,
// SSO, instance role); assume_role then trades them for the role's.
// AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EC2 point the clients at another
// endpoint, e.g. a local emulator.
type AccessConfig struct {
	// The region to launch the build instance and create the AMI in, for
	// example `us-east-1`. Default: AWS_REGION, else AWS_DEFAULT_REGION, else
	// the profile's `region` in the shared config file.
	RawRegion string `mapstructure:"region" required:"true"`
	// The profile from the shared AWS config and credentials files to use.
	// Default: the AWS_PROFILE environment variable, else `default`.
	Profile string `mapstructure:"profile" required:"false"`
	// How many times an AWS call is retried when throttled
	// (RequestLimitExceeded …) or failing with a transient error, with
	// exponential backoff and jitter. Default 10. AWS_MAX_ATTEMPTS does not
	// change it: as in amazon-ebs, that variable is about waits
	// (aws_polling).
	MaxRetries int `mapstructure:"max_retries" required:"false"`
	// The access key ID of static credentials. Needs secret_key. Prefer the
	// environment or a profile: a key in a template ends up in version
	// control.
	AccessKey string `mapstructure:"access_key" required:"false"`
	// The secret access key belonging to access_key. Masked in logs.
	SecretKey string `mapstructure:"secret_key" required:"false"`
	// The session token of temporary static credentials (with access_key and
	// secret_key). Masked in logs.
	Token string `mapstructure:"token" required:"false"`
	// A shared credentials file to read profile's credentials from, instead
	// of `~/.aws/credentials` (or AWS_SHARED_CREDENTIALS_FILE).
	SharedCredentialsFile string `mapstructure:"shared_credentials_file" required:"false"`
	// The MFA code (TOTP) for a profile that assumes a role with
	// `mfa_serial` in the shared config file. It changes every 30 seconds:
	// pass it as a variable (`-var mfa_code=123456`). Masked in logs.
	MFACode string `mapstructure:"mfa_code" required:"false"`
	// Assume an IAM role with the credentials found: every AWS call of the
	// build then uses the role's temporary credentials. See
	// AssumeRoleConfig.
	AssumeRole AssumeRoleConfig `mapstructure:"assume_role" required:"false"`
	// Get credentials from HashiCorp Vault's AWS secrets engine (VAULT_ADDR,
	// VAULT_TOKEN and the other VAULT_* variables as for the vault CLI). See
	// VaultAWSEngineOptions. Conflicts with access_key/secret_key.
	VaultAWSEngine VaultAWSEngineOptions `mapstructure:"vault_aws_engine" required:"false"`
	// The EC2 endpoint to use instead of AWS's, e.g.
	// `https://ec2.example.com` for an EC2-compatible cloud or a VPC
	// endpoint. Without a scheme, https is assumed. Other services (STS) keep
	// their endpoints; AWS_ENDPOINT_URL_EC2 does the same from the
	// environment.
	CustomEndpointEC2 string `mapstructure:"custom_endpoint_ec2" required:"false"`
	// Do not verify the TLS certificates of AWS endpoints (a self-signed
	// endpoint of a private cloud or an intercepting proxy). Insecure: a
	// warning says so.
	InsecureSkipTLSVerify bool `mapstructure:"insecure_skip_tls_verify" required:"false"`
	// Do not check the credentials with sts:GetCallerIdentity before the
	// build. The check fails fast, before anything is created, with the
	// reason; skip it for an endpoint without STS.
	SkipCredentialValidation bool `mapstructure:"skip_credential_validation" required:"false"`
	// Never ask the EC2 instance metadata service for credentials (or a
	// region): a build on an EC2 instance then uses only the credentials the
	// template or environment gives.
	SkipMetadataAPICheck bool `mapstructure:"skip_metadata_api_check" required:"false"`
	// Accept region and ami_regions names that do not look like AWS regions
	// and skip the check that EC2 knows them (DescribeRegions), for
	// EC2-compatible clouds with their own region names.
	SkipRegionValidation bool `mapstructure:"skip_region_validation" required:"false"`
	// When an AWS call is refused with an encoded authorization message
	// (UnauthorizedOperation), decode it with sts:DecodeAuthorizationMessage
	// and show which action on which resource the policy denied. The
	// credentials need sts:DecodeAuthorizationMessage.
	DecodeAuthorizationMessages bool `mapstructure:"decode_authorization_messages" required:"false"`
}
