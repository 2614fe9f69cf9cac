package ami

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

type callerIdentitySTS interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// StepValidateCredentials asks STS who the build's credentials belong to
// (sts:GetCallerIdentity, which needs no permission), so missing, expired
// or wrong credentials, a role that cannot be assumed or a Vault that does
// not answer fail before anything is created, and the log says which
// identity built the image. Skipped with skip_credential_validation.
// Uses: nothing. Puts: nothing.
type StepValidateCredentials struct {
	STS clientFor[callerIdentitySTS]
	// Region is the build region, whose STS endpoint is asked.
	Region string
}

func (s *StepValidateCredentials) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	c, err := s.STS(ctx, s.Region)
	if err != nil {
		return halt(state, err)
	}
	out, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return halt(state, fmt.Errorf("checking the AWS credentials (sts:GetCallerIdentity): %w\n"+
			"Give credentials as for the AWS CLI (environment, profile, shared_credentials_file, access_key/secret_key, "+
			"assume_role, vault_aws_engine), or set skip_credential_validation = true for an endpoint without STS", err))
	}
	uiOf(state).Say(fmt.Sprintf("Building as %s (account %s)", aws.ToString(out.Arn), aws.ToString(out.Account)))
	return multistep.ActionContinue
}

func (s *StepValidateCredentials) Cleanup(multistep.StateBag) {}
