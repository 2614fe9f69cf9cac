//go:build acc

package ami

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localssm"
)

// TestSessionManagerBuildEncryptedWithKMS: when the account's Session
// Manager preferences encrypt sessions (the stand-in's agent asks for it
// with a KMS key made in moto), the build makes the session's data key with
// KMS, passes the agent's challenge and SSH runs through the encrypted
// session.
func TestSessionManagerBuildEncryptedWithKMS(t *testing.T) {
	e := newSessionEnvWith(t, func(b *buildEnv, cfg *localssm.Config) {
		keys := kms.New(kms.Options{Region: ec2test.DefaultRegion, BaseEndpoint: aws.String(b.moto.URL),
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
		key, err := keys.CreateKey(context.Background(), &kms.CreateKeyInput{Description: aws.String("sessions")})
		if err != nil {
			t.Fatal(err)
		}
		cfg.KMSKeyID, cfg.KMS = aws.ToString(key.KeyMetadata.KeyId), keys
	})
	raw := e.sessionTemplate(map[string]any{"temporary_iam_instance_profile_policy_document": ssmCorePolicy})
	hook := &runHook{commands: []string{"echo sealed > via-kms.txt"}}
	if _, err, out := e.run(t, context.Background(), raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	} else if !strings.Contains(out, "encrypted with KMS") {
		t.Errorf("the build did not say the session is encrypted:\n%s", out)
	}
	if b, err := os.ReadFile(filepath.Join(e.ssh.Home, "via-kms.txt")); err != nil || string(b) != "sealed\n" {
		t.Errorf("provisioner did not run: %q %v", b, err)
	}
	for id, s := range e.ssm.Sessions() {
		if !s.Encrypted || s.Streams == 0 || s.State != "Terminated" {
			t.Errorf("session %s: %+v; want encrypted, used, terminated", id, s)
		}
	}
	e.assertNothingLeft(t)
}
