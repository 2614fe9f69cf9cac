package awsaccess

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/logsecret"
)

// maskedCredentials registers the credentials with the log filter whenever
// the SDK retrieves them (a refreshed role session brings a new token), so
// no log of this process shows the secret access key or the session token.
type maskedCredentials struct{ aws.CredentialsProvider }

func (m maskedCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := m.CredentialsProvider.Retrieve(ctx)
	if err == nil {
		logsecret.Register(creds.SecretAccessKey, creds.SessionToken)
	}
	return creds, err
}
