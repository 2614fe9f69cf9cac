package ami

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"golang.org/x/crypto/ssh"
)

// TestStepKeyPairRSAIsReallyRSA: temporary_key_pair_type = "rsa" imports an
// ssh-rsa key of the configured size under the configured name, whose
// private key is masked in logs and signs with SHA-2 (rsa-sha2-256/512,
// what OpenSSH >= 8.8 accepts; packer#11733 was SHA-1 ssh-rsa).
func TestStepKeyPairRSAIsReallyRSA(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	fake := &fakeKeys{}
	comm := &communicator.Config{}
	s := &StepKeyPair{EC2: fake, Comm: comm, Temporary: true, Type: keyTypeRSA, Bits: 2048,
		Name: "fips-build-key", NameFromTemplate: true, Region: "eu-west-1"}
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v", state.Get("error"))
	}
	if name := *fake.imported.KeyName; name != "fips-build-key" {
		t.Errorf("key pair name %q, want temporary_key_pair_name", name)
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(fake.imported.PublicKeyMaterial)
	if err != nil || pub.Type() != ssh.KeyAlgoRSA {
		t.Fatalf("imported %q (%v): want an ssh-rsa key", fake.imported.PublicKeyMaterial, err)
	}
	rsaPub := pub.(ssh.CryptoPublicKey).CryptoPublicKey().(*rsa.PublicKey)
	if rsaPub.N.BitLen() != 2048 {
		t.Errorf("RSA key of %d bits, want 2048", rsaPub.N.BitLen())
	}
	signer, err := ssh.ParsePrivateKey(comm.SSHPrivateKey)
	if err != nil || !bytes.Equal(signer.PublicKey().Marshal(), pub.Marshal()) {
		t.Fatalf("private key %v does not match the imported public key", err)
	}
	for _, algo := range []string{ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSASHA512} {
		sig, err := signer.(ssh.AlgorithmSigner).SignWithAlgorithm(rand.Reader, []byte("data"), algo)
		if err != nil || pub.Verify([]byte("data"), sig) != nil {
			t.Errorf("cannot sign with %s: %v", algo, err)
		}
	}
	if !strings.Contains(packersdk.LogSecretFilter.FilterString(string(comm.SSHPrivateKey)), "<sensitive>") {
		t.Error("private key not registered with LogSecretFilter")
	}
	if !strings.Contains(out.String(), "2048-bit RSA key pair fips-build-key") {
		t.Errorf("progress does not name the key type:\n%s", out.String())
	}
}

type duplicateKeys struct{ fakeKeys }

func (duplicateKeys) ImportKeyPair(context.Context, *ec2.ImportKeyPairInput, ...func(*ec2.Options)) (*ec2.ImportKeyPairOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "InvalidKeyPair.Duplicate", Message: "The keypair already exists"}
}

// TestStepKeyPairDuplicateNameNamesTheAttribute: a temporary_key_pair_name
// that is taken fails naming the attribute, and nothing is deleted (the
// key pair is someone else's).
func TestStepKeyPairDuplicateNameNamesTheAttribute(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	fake := &duplicateKeys{}
	s := &StepKeyPair{EC2: fake, Comm: &communicator.Config{}, Temporary: true, Type: keyTypeED25519,
		Name: "shared", NameFromTemplate: true}
	if s.Run(context.Background(), state) != multistep.ActionHalt {
		t.Fatal("Run continued despite the duplicate name")
	}
	if err := state.Get("error").(error); !strings.Contains(err.Error(), "change temporary_key_pair_name") {
		t.Errorf("error %v does not name temporary_key_pair_name", err)
	}
	s.Cleanup(state)
	if len(fake.deleted) != 0 {
		t.Errorf("deleted %v, a key pair the build did not make", fake.deleted)
	}
}
