//go:build acc

package ami

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// TestOwnKeyPair: with ssh_keypair_name and ssh_private_key_file the build
// launches with that key pair, creates no temporary one, leaves the user's
// key pair registered and its line in authorized_keys.
func TestOwnKeyPair(t *testing.T) {
	e := newBuildEnv(t)
	private, public, err := newSSHKey(keyTypeED25519, 0, "me")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(keyFile, private, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := e.ec2.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("mine"), PublicKeyMaterial: public}); err != nil {
		t.Fatal(err)
	}
	hook := &runHook{fail: func() error {
		if k := aws.ToString(e.buildInstance(t).KeyName); k != "mine" {
			t.Errorf("instance key pair %q, want mine", k)
		}
		return nil
	}}
	raw := e.template(map[string]any{"ssh_keypair_name": "mine", "ssh_private_key_file": keyFile})
	if _, err, out := e.run(t, ctx, raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	keys, err := e.ec2.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{})
	if err != nil || len(keys.KeyPairs) != 1 || aws.ToString(keys.KeyPairs[0].KeyName) != "mine" {
		t.Errorf("key pairs after the build: %+v %v; want only the user's", keys, err)
	}
	if ak := readAuthorizedKeys(t, e.ssh.Home); !strings.Contains(ak, strings.Fields(string(public))[1]) {
		t.Errorf("the user's key was removed from authorized_keys: %q", ak)
	}
}

// TestRSATemporaryKey: temporary_key_pair_type = "rsa" builds end to end:
// EC2 holds an RSA key pair of the configured name while the build runs,
// and the SSH server, which like OpenSSH >= 8.8 accepts RSA only with
// SHA-2 signatures, lets the build in; the key pair is gone afterwards.
func TestRSATemporaryKey(t *testing.T) {
	e := newBuildEnv(t)
	ctx := context.Background()
	hook := &runHook{commands: []string{"echo rsa > via-rsa.txt"}, fail: func() error {
		keys, err := e.ec2.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{IncludePublicKey: aws.Bool(true)})
		if err != nil || len(keys.KeyPairs) != 1 || aws.ToString(keys.KeyPairs[0].KeyName) != "fips-build" ||
			!strings.HasPrefix(aws.ToString(keys.KeyPairs[0].PublicKey), "ssh-rsa ") {
			t.Errorf("key pairs while building: %+v %v; want one RSA key pair named fips-build", keys, err)
		}
		return nil
	}}
	raw := e.template(map[string]any{"temporary_key_pair_type": "rsa", "temporary_key_pair_bits": 2048, "temporary_key_pair_name": "fips-build"})
	if _, err, out := e.run(t, ctx, raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(e.ssh.Home, "via-rsa.txt")); err != nil || string(b) != "rsa\n" {
		t.Errorf("provisioner did not run over SSH with the RSA key: %q %v", b, err)
	}
	e.assertNothingLeft(t)
}
