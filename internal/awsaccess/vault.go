//go:generate go tool packer-sdc struct-markdown

package awsaccess

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	vaultapi "github.com/hashicorp/vault/api"
)

// VaultAWSEngineOptions gets the build's AWS credentials from HashiCorp
// Vault's AWS secrets engine, as amazon-ebs' vault_aws_engine block: an IAM
// user's keys (`GET <engine_name>/creds/<name>`) or, with role_arn, a role's
// STS credentials (`POST <engine_name>/sts/<name>`). Vault is found and
// authenticated as by the vault CLI (VAULT_ADDR, VAULT_TOKEN or
// ~/.vault-token, VAULT_NAMESPACE, VAULT_CACERT …).
//
// ```hcl
//
//	vault_aws_engine {
//	  name     = "packer"
//	  role_arn = "arn:aws:iam::123456789012:role/packer"
//	  ttl      = "3600s"
//	}
//
// ```
type VaultAWSEngineOptions struct {
	// The Vault role to generate credentials for. Required in the block.
	Name string `mapstructure:"name" required:"false"`
	// The AWS role to assume, when the Vault role is of credential_type
	// assumed_role (and allows several). Makes the request an STS one.
	RoleARN string `mapstructure:"role_arn" required:"false"`
	// How long STS credentials last, e.g. `3600s`. Default: the Vault
	// role's default_sts_ttl.
	TTL string `mapstructure:"ttl" required:"false"`
	// The mount path of the AWS secrets engine. Default `aws`.
	EngineName string `mapstructure:"engine_name" required:"false"`
}

// Empty reports whether the block was not given.
func (v *VaultAWSEngineOptions) Empty() bool {
	return v.Name == "" && v.RoleARN == "" && v.TTL == "" && v.EngineName == ""
}

func (v *VaultAWSEngineOptions) prepare() []error {
	if v.Empty() {
		return nil
	}
	var errs []error
	if v.Name == "" {
		errs = append(errs, fmt.Errorf("vault_aws_engine needs name: the Vault role to generate AWS credentials for"))
	}
	if v.TTL != "" {
		if _, err := time.ParseDuration(v.TTL); err != nil {
			errs = append(errs, fmt.Errorf("vault_aws_engine ttl %q is not a duration like \"3600s\" or \"1h\"", v.TTL))
		}
		if v.RoleARN == "" {
			errs = append(errs, fmt.Errorf("vault_aws_engine ttl applies only to STS credentials: set role_arn too, or remove ttl"))
		}
	}
	if v.EngineName == "" {
		v.EngineName = "aws"
	}
	return errs
}

// Retrieve asks Vault for credentials (aws.CredentialsProvider).
func (v *VaultAWSEngineOptions) Retrieve(ctx context.Context) (aws.Credentials, error) {
	client, err := vaultapi.NewClient(vaultapi.DefaultConfig())
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("vault_aws_engine: configuring the Vault client (VAULT_ADDR …): %w", err)
	}
	var secret *vaultapi.Secret
	path := fmt.Sprintf("%s/creds/%s", v.EngineName, v.Name)
	if v.RoleARN != "" {
		path = fmt.Sprintf("%s/sts/%s", v.EngineName, v.Name)
		data := map[string]any{"role_arn": v.RoleARN}
		if v.TTL != "" {
			data["ttl"] = v.TTL
		}
		secret, err = client.Logical().WriteWithContext(ctx, path, data)
	} else {
		secret, err = client.Logical().ReadWithContext(ctx, path)
	}
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("vault_aws_engine: reading %s from Vault at %s: %w", path, client.Address(), err)
	}
	return vaultCredentials(secret, path)
}

func vaultCredentials(secret *vaultapi.Secret, path string) (aws.Credentials, error) {
	if secret == nil || secret.Data == nil {
		return aws.Credentials{}, fmt.Errorf("vault_aws_engine: Vault has no secret at %s: check name and engine_name", path)
	}
	str := func(k string) string { s, _ := secret.Data[k].(string); return s }
	c := aws.Credentials{AccessKeyID: str("access_key"), SecretAccessKey: str("secret_key"),
		SessionToken: str("security_token"), Source: "vault_aws_engine"}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return aws.Credentials{}, fmt.Errorf("vault_aws_engine: the secret at %s has no access_key/secret_key", path)
	}
	if secret.LeaseDuration > 0 {
		c.CanExpire, c.Expires = true, time.Now().Add(time.Duration(secret.LeaseDuration)*time.Second)
	}
	return c, nil
}
