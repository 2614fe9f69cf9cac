//go:build acc

package ami

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestSessionManagerFailsLikeAWS: an instance profile whose role does not
// let the agent register means the instance never comes online, as on AWS:
// the build fails within ssh_timeout saying what the instance needs, and
// leaves nothing; a build cancelled while SSH runs through a session ends
// the session and leaves nothing either.
func TestSessionManagerFailsLikeAWS(t *testing.T) {
	e := newSessionEnv(t)
	ctx := context.Background()
	makeProfile(t, e.moto.IAM(t), "logs-only", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:*"],"Resource":["*"]}]}`)
	raw := e.sessionTemplate(map[string]any{"iam_instance_profile": "logs-only", "ssh_timeout": "4s"})
	_, err, out := e.run(t, ctx, raw, &runHook{})
	if err == nil || !strings.Contains(err.Error(), "did not come online with Systems Manager within 4s") ||
		!strings.Contains(err.Error(), "AmazonSSMManagedInstanceCore") {
		t.Fatalf("err = %v\n%s", err, out)
	}
	e.assertNothingLeft(t)

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	raw = e.sessionTemplate(map[string]any{"temporary_iam_instance_profile_policy_document": ssmCorePolicy})
	if _, err, out := e.run(t, cctx, raw, &runHook{fail: func() error { cancel(); return errors.New("interrupted") }}); err == nil {
		t.Fatalf("cancelled build succeeded\n%s", out)
	}
	for id, s := range e.ssm.Sessions() {
		if s.State != "Terminated" {
			t.Errorf("session %s left %s", id, s.State)
		}
	}
	assertNoIAMLeft(t, e.moto.IAM(t))
	e.assertNothingLeft(t)
}

// makeProfile makes an instance profile whose role has the inline policy.
func makeProfile(t *testing.T, c *iam.Client, name, policy string) {
	t.Helper()
	ctx := context.Background()
	steps := []func() error{
		func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(ec2TrustPolicy)})
			return err
		},
		func() error {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(name), PolicyDocument: aws.String(policy)})
			return err
		},
		func() error {
			_, err := c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(name)})
			return err
		},
		func() error {
			_, err := c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(name), RoleName: aws.String(name)})
			return err
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
}
