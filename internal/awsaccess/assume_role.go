//go:generate go tool packer-sdc struct-markdown

package awsaccess

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// AssumeRoleConfig assumes an IAM role (sts:AssumeRole) with the credentials
// found otherwise, as amazon-ebs' assume_role block:
//
// ```hcl
//
//	assume_role {
//	  role_arn     = "arn:aws:iam::123456789012:role/packer"
//	  session_name = "image-build"
//	  external_id  = "build-pipeline"
//	}
//
// ```
type AssumeRoleConfig struct {
	// The ARN of the role to assume. Required in the block.
	RoleARN string `mapstructure:"role_arn" required:"false"`
	// How long the role's credentials last, in seconds (900 to the role's
	// maximum session duration). Default 900; they are renewed before they
	// expire, so a long build never runs out.
	DurationSeconds int `mapstructure:"duration_seconds" required:"false"`
	// The external ID the role's trust policy requires, if any.
	ExternalID string `mapstructure:"external_id" required:"false"`
	// A session policy (JSON) narrowing what the role may do in this build.
	Policy string `mapstructure:"policy" required:"false"`
	// ARNs of managed policies narrowing the session like policy.
	PolicyARNs []string `mapstructure:"policy_arns" required:"false"`
	// The session's name, seen in CloudTrail. Default: `packer-` and the
	// current time.
	SessionName string `mapstructure:"session_name" required:"false"`
	// Session tags.
	Tags map[string]string `mapstructure:"tags" required:"false"`
	// Which of tags pass on to roles this session assumes in turn.
	TransitiveTagKeys []string `mapstructure:"transitive_tag_keys" required:"false"`
}

// Empty reports whether the block was not given.
func (a *AssumeRoleConfig) Empty() bool {
	return a.RoleARN == "" && a.DurationSeconds == 0 && a.ExternalID == "" && a.Policy == "" &&
		len(a.PolicyARNs) == 0 && a.SessionName == "" && len(a.Tags) == 0 && len(a.TransitiveTagKeys) == 0
}

func (a *AssumeRoleConfig) prepare() []error {
	if a.Empty() {
		return nil
	}
	var errs []error
	if a.RoleARN == "" {
		errs = append(errs, fmt.Errorf("assume_role needs role_arn: set the ARN of the role to assume"))
	}
	if a.DurationSeconds != 0 && (a.DurationSeconds < 900 || a.DurationSeconds > 43200) {
		errs = append(errs, fmt.Errorf("assume_role duration_seconds %d must be 900 to 43200 (15 minutes to 12 hours)", a.DurationSeconds))
	}
	for _, k := range a.TransitiveTagKeys {
		if _, ok := a.Tags[k]; !ok {
			errs = append(errs, fmt.Errorf("assume_role transitive_tag_keys: %q is not a key of assume_role tags", k))
		}
	}
	if a.SessionName == "" {
		a.SessionName = fmt.Sprintf("packer-%d", time.Now().UnixNano())
	}
	return errs
}

// provider trades base (through client, an STS client using the base
// credentials) for the role's credentials.
func (a *AssumeRoleConfig) provider(client *sts.Client) aws.CredentialsProvider {
	return stscreds.NewAssumeRoleProvider(client, a.RoleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = a.SessionName
		if a.DurationSeconds > 0 {
			o.Duration = time.Duration(a.DurationSeconds) * time.Second
		}
		if a.ExternalID != "" {
			o.ExternalID = aws.String(a.ExternalID)
		}
		if a.Policy != "" {
			o.Policy = aws.String(a.Policy)
		}
		for _, arn := range a.PolicyARNs {
			o.PolicyARNs = append(o.PolicyARNs, ststypes.PolicyDescriptorType{Arn: aws.String(arn)})
		}
		for _, k := range slices.Sorted(maps.Keys(a.Tags)) {
			o.Tags = append(o.Tags, ststypes.Tag{Key: aws.String(k), Value: aws.String(a.Tags[k])})
		}
		o.TransitiveTagKeys = a.TransitiveTagKeys
	})
}
