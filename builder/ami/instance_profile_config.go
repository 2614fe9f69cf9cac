//go:generate go tool packer-sdc mapstructure-to-hcl2 -type PolicyDocument,PolicyStatement
//go:generate go tool packer-sdc struct-markdown

package ami

import (
	"fmt"
	"regexp"
	"slices"
)

// InstanceProfileConfig says which IAM instance profile the build instance
// runs with besides iam_instance_profile: one made for the build from a
// policy document, and whether to check a named one first.
type InstanceProfileConfig struct {
	// A policy for a role and instance profile made for this build alone,
	// tagged with the build and deleted when it ends (even after Ctrl-C),
	// as amazon-ebs' option of the same name. Conflicts with
	// iam_instance_profile. With `ssh_interface = "session_manager"` it
	// must let the SSM agent register (the actions of AWS's
	// AmazonSSMManagedInstanceCore policy).
	//
	// ```hcl
	//
	//	temporary_iam_instance_profile_policy_document {
	//	  Version = "2012-10-17"
	//	  Statement {
	//	    Effect   = "Allow"
	//	    Action   = ["ssm:UpdateInstanceInformation", "ssmmessages:*", "ec2messages:*"]
	//	    Resource = ["*"]
	//	  }
	//	}
	//
	// ```
	TemporaryIAMInstanceProfilePolicyDocument *PolicyDocument `mapstructure:"temporary_iam_instance_profile_policy_document" required:"false"`
	// Do not check that iam_instance_profile exists (iam:GetInstanceProfile)
	// before launching, for credentials that may not read IAM. Default:
	// false, the profile is checked, so a typo fails in seconds and not
	// at launch.
	SkipProfileValidation bool `mapstructure:"skip_profile_validation" required:"false"`
}

// PolicyDocument is an IAM policy, in the form IAM and amazon-ebs use.
type PolicyDocument struct {
	// The policy language version. Default: `2012-10-17`.
	Version string `mapstructure:"Version" required:"false" json:"Version"`
	// The statements; at least one.
	Statement []PolicyStatement `mapstructure:"Statement" required:"true" json:"Statement"`
}

// PolicyStatement is one statement of a PolicyDocument.
type PolicyStatement struct {
	// `Allow` or `Deny`.
	Effect string `mapstructure:"Effect" required:"true" json:"Effect"`
	// Actions such as `ssm:UpdateInstanceInformation`; `*` wildcards allowed.
	Action []string `mapstructure:"Action" required:"true" json:"Action"`
	// Resource ARNs, or `*`.
	Resource []string `mapstructure:"Resource" required:"true" json:"Resource"`
}

const policyAttr = "temporary_iam_instance_profile_policy_document"

// iamAction is IAM's form of an action: `*` or service:name, with wildcards.
var iamAction = regexp.MustCompile(`^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$`)

// Prepare validates the profile settings against iam_instance_profile and
// fills the policy's default version.
func (c *InstanceProfileConfig) Prepare(iamInstanceProfile string) []error {
	doc := c.TemporaryIAMInstanceProfilePolicyDocument
	var errs []error
	if doc != nil && iamInstanceProfile != "" {
		errs = append(errs, fmt.Errorf("iam_instance_profile and %s are both set: keep the profile, or the document "+
			"to have a temporary profile made for the build", policyAttr))
	}
	if c.SkipProfileValidation && iamInstanceProfile == "" {
		errs = append(errs, fmt.Errorf("skip_profile_validation is set but there is no iam_instance_profile to validate: remove it"))
	}
	if doc != nil {
		errs = append(errs, doc.prepare()...)
	}
	return errs
}

func (d *PolicyDocument) prepare() []error {
	var errs []error
	if d.Version == "" {
		d.Version = "2012-10-17"
	}
	if d.Version != "2012-10-17" && d.Version != "2008-10-17" {
		errs = append(errs, fmt.Errorf("%s: Version %q must be \"2012-10-17\" (or the old \"2008-10-17\")", policyAttr, d.Version))
	}
	if len(d.Statement) == 0 {
		errs = append(errs, fmt.Errorf("%s has no Statement: add at least one Statement block", policyAttr))
	}
	for i, s := range d.Statement {
		errs = append(errs, s.prepare(fmt.Sprintf("%s Statement[%d]", policyAttr, i))...)
	}
	return errs
}

func (s PolicyStatement) prepare(at string) []error {
	var errs []error
	if s.Effect != "Allow" && s.Effect != "Deny" {
		errs = append(errs, fmt.Errorf("%s: Effect %q must be \"Allow\" or \"Deny\"", at, s.Effect))
	}
	if len(s.Action) == 0 {
		errs = append(errs, fmt.Errorf("%s has no Action: list actions such as \"ssm:UpdateInstanceInformation\"", at))
	}
	for _, a := range s.Action {
		if !iamAction.MatchString(a) {
			errs = append(errs, fmt.Errorf("%s: Action %q is not of the form \"service:Action\" (wildcards allowed)", at, a))
		}
	}
	if len(s.Resource) == 0 || slices.Contains(s.Resource, "") {
		errs = append(errs, fmt.Errorf("%s needs Resource: resource ARNs, or [\"*\"]", at))
	}
	return errs
}
